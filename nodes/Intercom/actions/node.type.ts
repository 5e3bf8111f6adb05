import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	conversation: 'get' | 'addTag' | 'removeTag' | 'reply';
};

export type IntercomType = AllEntities<NodeMap>;
