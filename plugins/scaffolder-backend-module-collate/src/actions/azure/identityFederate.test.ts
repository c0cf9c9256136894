import {
  describeActionInput,
  DNS_LABEL_BAD,
  DNS_SUBDOMAIN_BAD,
  RG_BAD,
  IDENTITY_BAD,
  HTTPS_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:azure:identity:federate', {
  valid: {
    resourceGroup: 'collate-rg',
    identityName: 'collate-ingestion',
    name: 'collate-application',
    issuer: 'https://westeurope.oic.prod-aks.azure.com/t/i/',
    namespace: 'collate',
    serviceAccount: 'om-role',
  },
  cases: [
    ...vary('identityName', HOSTILE),
    ...vary('resourceGroup', RG_BAD),
    ...vary('identityName', IDENTITY_BAD),
    ...vary('name', IDENTITY_BAD.slice(0, 6)),
    ...vary('issuer', HTTPS_BAD),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('serviceAccount', DNS_SUBDOMAIN_BAD.slice(0, 6)),
    ...vary('audience', ['', 'a'.repeat(601)]),
  ],
});
