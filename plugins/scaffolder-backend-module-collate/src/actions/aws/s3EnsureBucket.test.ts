import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:s3:ensure-bucket');
