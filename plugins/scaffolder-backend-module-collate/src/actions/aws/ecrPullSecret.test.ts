import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:ecr:pull-secret');
