import {
  describeActionInput,
  GUID,
  DNS_LABEL_BAD,
  GUID_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:argo:install', {
  valid: {
    cluster: 'aks-prod',
    cloud: 'azure',
    azure: {
      controllerClientId: GUID,
      serverClientId: GUID,
      storageEndpoint: 'https://collate.blob.core.windows.net/',
      container: 'argo-workflows',
    },
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('release', DNS_LABEL_BAD),
    ...GUID_BAD.map((v): [string, Record<string, unknown>] => [
      `azure.controllerClientId=${JSON.stringify(v)}`,
      {
        azure: {
          controllerClientId: v,
          serverClientId: GUID,
          storageEndpoint: 'https://collate.blob.core.windows.net/',
          container: 'argo-workflows',
        },
      },
    ]),
    ...[
      'http://collate.blob.core.windows.net/',
      'collate.blob.core.windows.net',
      'https://x/y/z',
      'https://x/Not_An_Account/',
      '',
    ].map((v): [string, Record<string, unknown>] => [
      `azure.storageEndpoint=${JSON.stringify(v)}`,
      {
        azure: {
          controllerClientId: GUID,
          serverClientId: GUID,
          storageEndpoint: v,
          container: 'argo-workflows',
        },
      },
    ]),
    ['aws without aws', { cloud: 'aws' }],
    ['azure without azure', { azure: undefined }],
    ...['not-an-arn', 'arn:aws:iam::123:role/x'].map(
      (v): [string, Record<string, unknown>] => [
        `aws.controllerRoleArn=${JSON.stringify(v)}`,
        {
          cloud: 'aws',
          aws: {
            controllerRoleArn: v,
            serverRoleArn: 'arn:aws:iam::123456789012:role/s',
            bucket: 'bucket-one',
            region: 'eu-west-1',
          },
        },
      ],
    ),
  ],
});
