import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { compareChartVersions } from '@collate-backstage/plugin-collate-common';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type FixtureChart =
  | 'argo-workflows'
  | 'openmetadata'
  | 'hybrid-ingestion-runner';

/** Absolute path of a fixture chart (see charts/README.md). */
export function chartPath(name: FixtureChart): string {
  return resolvePackagePath('@internal/testenv', 'charts', name);
}

type JsonSchema = { properties: Record<string, any> };

/**
 * What the real openmetadata chart's values.schema.json accepts beyond the fixture's (1.12.3's), by the chart version
 * that first accepts it (read from open-metadata/openmetadata-helm-charts). The templates render both; the schema
 * decides whether a version takes the values.
 */
const OPENMETADATA_SCHEMA_ADDITIONS: ReadonlyArray<{
  since: string;
  add(pipelineClient: JsonSchema): void;
}> = [
  {
    // The argoWorkflows pipeline service client (ARGO_* in the pipeline secret).
    since: '1.12.4',
    add(client) {
      client.properties.type.enum.push('argoWorkflows');
      client.properties.argoWorkflows = {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...Object.fromEntries(
            [
              'namespace',
              'serviceAccountName',
              'ingestionImage',
              'imagePullPolicy',
              'imagePullSecrets',
              'pipelineConfigs',
              'apiEndpoint',
            ].map(k => [k, { type: 'string' }]),
          ),
          automationResources: { type: 'object' },
          ingestionResources: { type: 'object' },
          extraEnvs: { type: 'array' },
          customConfig: { type: 'object' },
        },
      };
    },
  },
  {
    // Tolerations of the ingestion pods the k8s client starts (K8S_TOLERATIONS).
    since: '1.12.5',
    add(client) {
      client.properties.k8s.properties.tolerations = {
        type: 'array',
        items: { type: 'object' },
      };
    },
  },
];

/**
 * Publishes a fixture chart as another chart version into `folder`, and returns the chart's directory: the version and
 * appVersion of Chart.yaml and, for the openmetadata chart, the values contract of that version (the argoWorkflows
 * client from 1.12.4, ingestion tolerations from 1.12.5), as the real chart's releases changed it.
 */
export async function publishFixtureChart(
  name: FixtureChart,
  version: string,
  folder: string,
): Promise<string> {
  const dir = join(folder, `${name}-${version}`);
  await cp(chartPath(name), dir, { recursive: true });
  const meta = join(dir, 'Chart.yaml');
  await writeFile(
    meta,
    (await readFile(meta, 'utf8'))
      .replace(/^version: .*$/m, `version: ${version}`)
      .replace(/^appVersion: .*$/m, `appVersion: '${version}'`),
  );
  if (name === 'openmetadata') {
    const file = join(dir, 'values.schema.json');
    const schema = JSON.parse(await readFile(file, 'utf8'));
    const client =
      schema.properties.openmetadata.properties.config.properties
        .pipelineServiceClientConfig;
    for (const addition of OPENMETADATA_SCHEMA_ADDITIONS)
      if (compareChartVersions(version, addition.since) >= 0)
        addition.add(client);
    await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return dir;
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
