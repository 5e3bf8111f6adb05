import {
	getLeadCustomFields,
	getTagFieldOptions,
	getTagMappingFields,
	getUsers,
} from './loadOptions';
import { getPipelines, getStages } from '../../shared/kommo/pipelineOptions';

export const loadOptions = {
	getPipelines,
	getStages,
	getUsers,
	getLeadCustomFields,
	getTagMappingFields,
	getTagFieldOptions,
};
