import { describeActionInput } from '../../__testUtils__/actionInput';

describeActionInput('collate:helm:uninstall');
