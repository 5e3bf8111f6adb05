import * as contact from '../../../../../nodes/Kommo/actions/contact/Contact.resource';
import { describeResource } from '../../../../helpers/descriptions';

describeResource('contact', contact);
