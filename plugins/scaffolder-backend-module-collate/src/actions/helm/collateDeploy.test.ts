import {
  describeActionInput,
  DNS_LABEL_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:deploy', {
  valid: {
    cluster: 'aks-prod',
    cloud: 'aws',
    aws: {
      serverRoleArn: 'arn:aws:iam::123456789012:role/collate-server-role',
      bucket: 'collate-assets',
      region: 'eu-west-1',
    },
    search: {
      host: 'opensearch',
      port: 9200,
      scheme: 'http',
      searchType: 'opensearch',
    },
    database: {
      engine: 'postgresql',
      host: 'postgres',
      port: 5432,
      user: 'collate',
    },
  },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('argoServerUrl', [
      '',
      'argo:2746',
      'ftp://argo',
      'http://argo/x',
      'http://a b',
    ]),
    ...vary('imageTag', ['', 'a b', 'a:b', 't'.repeat(129)]),
    ...['', 'a b', 'a/b', 'a;b'].map((h): [string, Record<string, unknown>] => [
      `search.host=${JSON.stringify(h)}`,
      {
        search: {
          host: h,
          port: 9200,
          scheme: 'http',
          searchType: 'opensearch',
        },
      },
    ]),
    ...['', 'a b', 'a;b'].map((h): [string, Record<string, unknown>] => [
      `database.host=${JSON.stringify(h)}`,
      {
        database: { engine: 'postgresql', host: h, port: 5432, user: 'u' },
      },
    ]),
    ...['NOT_IN_TABLE', 'ARGO_TOKEN', 'argo_namespace', 'PATH'].map(
      (k): [string, Record<string, unknown>] => [
        `env.${k}`,
        { env: { [k]: 'x' } },
      ],
    ),
  ],
});
