import {
  CLUSTER_BAD,
  describeActionInput,
  DNS_LABEL_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:upgrade', {
  valid: {
    cluster: 'aks-prod',
    namespace: 'collate',
    release: 'openmetadata',
    chart: 'openmetadata',
    repo: 'https://helm.open-metadata.org',
    version: '1.12.4',
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('cluster', CLUSTER_BAD),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('release', DNS_LABEL_BAD),
    ...vary('deployment', DNS_LABEL_BAD),
    // The image names another OpenMetadata version than the chart: they move together.
    ...vary('imageTag', ['om-1.11.0-cl-1.11.0', '1.12.3']),
  ],
});
