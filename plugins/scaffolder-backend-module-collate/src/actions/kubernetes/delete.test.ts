import {
  CLUSTER_BAD,
  describeActionInput,
  DNS_LABEL_BAD,
  HOSTILE,
  type Cases,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:kubernetes:delete', {
  valid: {
    cluster: 'aks-prod',
    namespaces: ['collate', 'argo-workflows'],
    deployment: 'collate-prod',
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('cluster', CLUSTER_BAD),
    ...DNS_LABEL_BAD.map((ns): Cases[number] => [
      `namespaces=[collate, ${JSON.stringify(ns)}]`,
      { namespaces: ['collate', ns] },
    ]),
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
  ],
});
