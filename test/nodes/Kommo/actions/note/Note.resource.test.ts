import * as note from '../../../../../nodes/Kommo/actions/note/Note.resource';
import { describeResource } from '../../../../helpers/descriptions';

describeResource('note', note);
