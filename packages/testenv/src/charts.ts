import { resolvePackagePath } from '@backstage/backend-plugin-api';

export type FixtureChart =
  | 'argo-workflows'
  | 'openmetadata'
  | 'hybrid-ingestion-runner';

/** Absolute path of a fixture chart (see charts/README.md). */
export function chartPath(name: FixtureChart): string {
  return resolvePackagePath('@internal/testenv', 'charts', name);
}

/** Absolute path of the Terraform fixture with the shape of the Metaflow-on-Azure stack (infra + services). */
export function terraformFixturePath(): string {
  return resolvePackagePath(
    '@internal/testenv',
    'terraform',
    'metaflow-fixture',
  );
}
