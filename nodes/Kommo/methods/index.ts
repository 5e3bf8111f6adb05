import {
	getLeadCustomFields,
	getPipelines,
	getStages,
	getTagFieldOptions,
	getTagMappingFields,
	getUsers,
} from './loadOptions';

export const loadOptions = {
	getPipelines,
	getStages,
	getUsers,
	getLeadCustomFields,
	getTagMappingFields,
	getTagFieldOptions,
};
