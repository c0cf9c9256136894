import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:iam:service-account-role');
