import {
  describeActionInput,
  DNS_LABEL_BAD,
  CLUSTER_BAD,
  HOSTILE,
  vary,
  type Cases,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:kubernetes:apply', {
  valid: {
    cluster: 'aks-prod',
    manifests: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'collate' },
      },
    ],
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('cluster', CLUSTER_BAD),
    ...vary(
      'namespace',
      DNS_LABEL_BAD.filter(v => v !== ''),
    ),
    ...([
      ['no manifests or yaml', { manifests: [], yaml: '' }],
      ['manifest not an object', { manifests: ['x'] }],
      ['manifest array', { manifests: [[]] }],
      [
        'manifest without kind',
        { manifests: [{ apiVersion: 'v1', metadata: { name: 'x' } }] },
      ],
      [
        'manifest without apiVersion',
        { manifests: [{ kind: 'Namespace', metadata: { name: 'x' } }] },
      ],
      [
        'manifest without name',
        {
          manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: {} }],
        },
      ],
      [
        'manifest without metadata',
        { manifests: [{ apiVersion: 'v1', kind: 'Namespace' }] },
      ],
      [
        'bad object name',
        {
          manifests: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'Bad_Name' },
            },
          ],
        },
      ],
      [
        'long object name',
        {
          manifests: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'a'.repeat(254) },
            },
          ],
        },
      ],
      [
        'bad object namespace',
        {
          manifests: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'x', namespace: 'Bad' },
            },
          ],
        },
      ],
      [
        'numeric apiVersion',
        {
          manifests: [
            { apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'x' } },
          ],
        },
      ],
      ['unparsable yaml', { manifests: undefined, yaml: 'kind: [unclosed' }],
      ['yaml scalar', { manifests: undefined, yaml: 'just a string' }],
      [
        'yaml without name',
        {
          manifests: undefined,
          yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
        },
      ],
      [
        'second yaml document bad',
        {
          manifests: undefined,
          yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: x\n',
        },
      ],
    ] as Cases),
  ],
});
