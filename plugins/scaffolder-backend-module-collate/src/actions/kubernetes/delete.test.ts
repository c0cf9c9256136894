import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:kubernetes:delete');
