import {
  describeActionInput,
  DNS_LABEL_BAD,
  HOSTILE,
  REGION_BAD,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:s3:delete-bucket', {
  valid: { deployment: 'collate-prod', region: 'eu-west-1' },
  minCases: 40,
  cases: [
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ...vary('deployment', HOSTILE),
    ...vary('region', REGION_BAD),
  ],
});
