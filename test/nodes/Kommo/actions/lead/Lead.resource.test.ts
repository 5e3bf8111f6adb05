import * as lead from '../../../../../nodes/Kommo/actions/lead/Lead.resource';
import { describeResource } from '../../../../helpers/descriptions';

describeResource('lead', lead);
