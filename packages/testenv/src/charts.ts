import { resolvePackagePath } from '@backstage/backend-plugin-api';

export type FixtureChart =
  | 'argo-workflows'
  | 'openmetadata'
  | 'hybrid-ingestion-runner';

/** Absolute path of a fixture chart (see charts/README.md). */
export function chartPath(name: FixtureChart): string {
  return resolvePackagePath('@internal/testenv', 'charts', name);
}

/**
 * Absolute path of the Terraform fixture written to the contract of metaflow-tools `azure/terraform` (guides 003/004):
 * its variables, its names from org_prefix and the workspace, infra + services, its outputs and its config.json.
 */
export function terraformFixturePath(): string {
  return resolvePackagePath(
    '@internal/testenv',
    'terraform',
    'metaflow-fixture',
  );
}
