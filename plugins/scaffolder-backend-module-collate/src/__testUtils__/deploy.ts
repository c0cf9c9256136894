import { chartPath, TEST_CLUSTER_NAME } from '@internal/testenv';

/** collate:deploy of the fixture openmetadata chart on the local cluster, AWS flavour (guide 001), into a namespace. */
export function fixtureDeployInput(
  namespace: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    cluster: TEST_CLUSTER_NAME,
    namespace,
    chart: chartPath('openmetadata'),
    repo: '',
    cloud: 'aws',
    aws: {
      serverRoleArn: 'arn:aws:iam::123456789012:role/collate-server-role',
      bucket: 'collate-assets',
      region: 'eu-west-1',
    },
    search: {
      host: 'opensearch.collate',
      port: 9200,
      scheme: 'http',
      searchType: 'opensearch',
    },
    database: {
      engine: 'postgresql',
      host: 'postgres.collate',
      port: 5432,
      user: 'collate',
    },
    timeoutSeconds: 120,
    ...overrides,
  };
}
