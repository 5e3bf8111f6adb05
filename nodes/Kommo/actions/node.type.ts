import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	chat: 'connectChannel' | 'sendConversation' | 'setDeliveryStatus';
	contact: 'findByEmail' | 'findByPhone' | 'create';
	lead: 'create' | 'get' | 'getIntercomConversation' | 'update';
	note: 'add';
};

export type KommoType = AllEntities<NodeMap>;
