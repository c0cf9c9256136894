import {
  describeActionInput,
  DNS_LABEL_BAD,
  GUID_BAD,
  HOSTILE,
  RG_BAD,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:identity:delete', {
  valid: { deployment: 'collate-prod', resourceGroup: 'collate-rg' },
  cases: [
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ...vary('deployment', HOSTILE),
    ...vary('resourceGroup', RG_BAD),
    ...vary('subscriptionId', GUID_BAD),
  ],
});
