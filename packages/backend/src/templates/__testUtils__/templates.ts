// The repository's Software Templates, read from templates/ the way the catalog reads them.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { chartPath, testEnv } from '@internal/testenv';

export const TEMPLATES_DIR = resolve(__dirname, '../../../../../templates');

export interface TemplateFile {
  dir: string;
  path: string;
  template: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; title?: string };
    spec: {
      parameters: Array<{
        title: string;
        required?: string[];
        properties: Record<string, any>;
      }>;
      steps: Array<{
        id: string;
        name?: string;
        action: string;
        input?: any;
        if?: unknown;
      }>;
      output?: any;
    };
  };
}

export function templateFiles(): TemplateFile[] {
  return readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => join(TEMPLATES_DIR, d.name, 'template.yaml'))
    .filter(existsSync)
    .map(path => ({
      dir: path.replace(/\/template\.yaml$/, ''),
      path,
      template: parse(readFileSync(path, 'utf8')),
    }));
}

export function templateNamed(name: string): TemplateFile['template'] {
  const found = templateFiles().find(t => t.template.metadata.name === name);
  if (!found) throw new Error(`no template ${name}`);
  return found.template;
}

/** The defaults of every parameter, as the form would fill them. */
export function defaultValues(template: TemplateFile['template']) {
  const values: Record<string, unknown> = {};
  for (const page of template.spec.parameters) {
    for (const [key, prop] of Object.entries(page.properties)) {
      if (prop.default !== undefined) values[key] = prop.default;
    }
  }
  return values;
}

/**
 * The values both Collate templates take on the local test environment: where it runs (cluster `local`, the given
 * namespaces), its PostgreSQL, a search engine that cannot answer (its check fails and is reported, the run goes
 * on), the fixture charts. The form's Secret fields submit a mask; the secrets travel in `secrets`.
 */
export function localCollateValues(
  template: string,
  name: string,
  namespaces: { collate: string; argo: string },
) {
  const pg = testEnv.postgres();
  return {
    ...defaultValues(templateNamed(template)),
    name,
    owner: 'group:default/platform-team',
    cluster: 'resource:default/local',
    namespace: namespaces.collate,
    argoNamespace: namespaces.argo,
    dbHost: pg.host,
    dbPort: pg.port,
    dbUser: pg.user,
    searchHost: '127.0.0.1',
    searchPort: 9,
    searchScheme: 'http',
    preflightFailOnError: false,
    databasePassword: '********',
    searchPassword: '********',
    argoChart: chartPath('argo-workflows'),
    argoChartRepo: '',
    collateChart: chartPath('openmetadata'),
    collateChartRepo: '',
  };
}
