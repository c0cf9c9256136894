// The Collate on AWS EKS template's values for the local environment, for the browser tests that run it: one
// deployment per suffix (its System, namespaces, bucket and role names), on the EKS cluster the live demo makes.
import { join } from 'node:path';
import { repoRoot } from './portal.mjs';

const charts = join(repoRoot, 'packages/testenv/charts');

export function awsTemplateValues(suffix) {
  return {
    name: `collate-${suffix}`,
    owner: 'group:default/platform-team',
    cluster: 'resource:default/local',
    namespace: `collate-${suffix}`,
    argoNamespace: `argo-${suffix}`,
    eksClusterName: 'collate-eks-portal',
    region: 'eu-west-1',
    bucket: `collate-argo-artifacts-${suffix}`,
    roleSuffix: `-${suffix}`,
    dbEngine: 'postgresql',
    dbHost: process.env.COLLATE_TEST_PG_HOST,
    dbPort: Number(process.env.COLLATE_TEST_PG_PORT),
    dbUser: process.env.COLLATE_TEST_PG_USER,
    searchType: 'opensearch',
    searchHost: '127.0.0.1',
    searchPort: 9,
    searchScheme: 'http',
    searchUser: 'admin',
    imageTag: 'om-1.12.3-cl-1.12.3',
    argoChart: join(charts, 'argo-workflows'),
    argoChartRepo: '',
    argoChartVersion: '0.45.23',
    collateChart: join(charts, 'openmetadata'),
    collateChartRepo: '',
    // No search engine runs here (and a canary password logs in nowhere): the checks fail, are reported, the run
    // goes on.
    preflightFailOnError: false,
  };
}
