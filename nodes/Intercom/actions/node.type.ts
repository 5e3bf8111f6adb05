import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	conversation: 'get' | 'addTag' | 'removeTag';
};

export type IntercomType = AllEntities<NodeMap>;
