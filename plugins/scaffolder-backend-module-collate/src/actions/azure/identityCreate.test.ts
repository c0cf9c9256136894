import {
  describeActionInput,
  GUID_BAD,
  RG_BAD,
  IDENTITY_BAD,
  LOCATION_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:identity:create', {
  valid: {
    resourceGroup: 'collate-rg',
    name: 'collate-ingestion',
    location: 'westeurope',
  },
  cases: [
    ...vary('name', HOSTILE),
    ...vary('resourceGroup', RG_BAD),
    ...vary('name', IDENTITY_BAD),
    ...vary('location', LOCATION_BAD),
    ...vary('subscriptionId', GUID_BAD),
  ],
});
