import { resolve } from 'node:path';

export type FixtureChart =
  | 'argo-workflows'
  | 'openmetadata'
  | 'hybrid-ingestion-runner';

/** Absolute path of a fixture chart (see charts/README.md). */
export function chartPath(name: FixtureChart): string {
  return resolve(__dirname, '..', 'charts', name);
}
