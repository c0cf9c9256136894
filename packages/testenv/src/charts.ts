import { resolvePackagePath } from '@backstage/backend-plugin-api';

export type FixtureChart =
  | 'argo-workflows'
  | 'openmetadata'
  | 'hybrid-ingestion-runner';

/** Absolute path of a fixture chart (see charts/README.md). */
export function chartPath(name: FixtureChart): string {
  return resolvePackagePath('@internal/testenv', 'charts', name);
}
