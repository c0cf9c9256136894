import {
  describeActionInput,
  GUID_BAD,
  RG_BAD,
  LOCATION_BAD,
  STORAGE_BAD,
  CONTAINER_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:storage:ensure', {
  valid: {
    resourceGroup: 'collate-rg',
    accountName: 'collate',
    location: 'westeurope',
  },
  cases: [
    ...vary('accountName', HOSTILE),
    ...vary('resourceGroup', RG_BAD),
    ...vary('accountName', STORAGE_BAD),
    ...vary('location', LOCATION_BAD),
    ...vary('containerName', CONTAINER_BAD),
    ...vary('subscriptionId', GUID_BAD),
    ...vary('sku', ['Basic', 'standard_lrs', '']),
  ],
});
