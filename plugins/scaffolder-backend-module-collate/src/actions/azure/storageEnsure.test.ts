import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:storage:ensure');
