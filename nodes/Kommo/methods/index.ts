import {
	getLeadCustomFields,
	getTagFieldOptions,
	getTagMappingFields,
	getUsers,
} from './loadOptions';
import {
	getPipelines,
	getPipelinesOrMain,
	getStages,
	getStagesOrFirst,
} from '../../shared/kommo/pipelineOptions';

export const loadOptions = {
	getPipelines,
	getPipelinesOrMain,
	getStages,
	getStagesOrFirst,
	getUsers,
	getLeadCustomFields,
	getTagMappingFields,
	getTagFieldOptions,
};
