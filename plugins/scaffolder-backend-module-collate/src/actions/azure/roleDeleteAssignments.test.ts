import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:role:delete-assignments');
