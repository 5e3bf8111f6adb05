import {
	getLeadCustomFields,
	getTagFieldOptions,
	getTagMappingFields,
	getUsers,
} from './loadOptions';
import { searchContacts, searchLeads, searchNoteOwners } from './listSearch';
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

export const listSearch = { searchLeads, searchContacts, searchNoteOwners };
