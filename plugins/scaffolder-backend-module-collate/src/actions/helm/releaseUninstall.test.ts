import {
  CLUSTER_BAD,
  describeActionInput,
  DNS_LABEL_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:helm:uninstall', {
  valid: {
    cluster: 'aks-prod',
    namespace: 'collate',
    release: 'openmetadata',
    deployment: 'collate-prod',
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('cluster', CLUSTER_BAD),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('release', DNS_LABEL_BAD),
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
  ],
});
