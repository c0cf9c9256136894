import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:eks:delete-oidc-provider');
