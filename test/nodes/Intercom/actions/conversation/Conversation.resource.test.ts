import * as conversation from '../../../../../nodes/Intercom/actions/conversation/Conversation.resource';
import { describeResource } from '../../../../helpers/descriptions';

describeResource('conversation', conversation);
