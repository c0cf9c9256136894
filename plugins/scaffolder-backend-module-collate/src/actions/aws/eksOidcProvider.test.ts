import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:eks:oidc-provider');
