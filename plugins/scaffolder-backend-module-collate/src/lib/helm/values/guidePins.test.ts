import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COLLATE_GUIDE_CHART_PINS } from '@collate-backstage/plugin-collate-common';
import { ARGO_DEFAULTS } from './argo';
import { COLLATE_DEFAULTS } from './collate';
import { RUNNER_DEFAULTS } from './runner';

// The guides' pins are defined once, in collate-common; everything that installs or offers a version must agree.
const repo = join(__dirname, '../../../../../..');

/** A template's parameter defaults, by name, across its parameter pages. */
function templateDefaults(name: string): Record<string, unknown> {
  const doc = parse(
    readFileSync(join(repo, 'templates', name, 'template.yaml'), 'utf8'),
  );
  return Object.assign(
    {},
    ...doc.spec.parameters.map((page: { properties?: object }) =>
      Object.fromEntries(
        Object.entries(page.properties ?? {}).map(([k, v]) => [
          k,
          (v as { default?: unknown }).default,
        ]),
      ),
    ),
  );
}

const fixtureChartVersion = (chart: string) =>
  parse(
    readFileSync(
      join(repo, 'packages/testenv/charts', chart, 'Chart.yaml'),
      'utf8',
    ),
  ).version;

describe("the guides' pins", () => {
  const pins = COLLATE_GUIDE_CHART_PINS;

  it('are what the actions install by default', () => {
    expect(ARGO_DEFAULTS.version).toBe(pins['argo-workflows']);
    expect(RUNNER_DEFAULTS.version).toBe(pins['hybrid-ingestion-runner']);
    expect(COLLATE_DEFAULTS.imageTag).toBe(
      `om-${pins.openmetadata}-cl-${pins.openmetadata}`,
    );
    expect(COLLATE_DEFAULTS.ingestionImage).toMatch(
      new RegExp(`:om-${pins.openmetadata}-cl-${pins.openmetadata}$`),
    );
  });

  it.each(['collate-aws-eks', 'collate-azure-aks'])(
    'are the defaults of the %s template',
    name => {
      const defaults = templateDefaults(name);
      expect(defaults.argoChartVersion).toBe(pins['argo-workflows']);
      expect(defaults.imageTag).toBe(COLLATE_DEFAULTS.imageTag);
    },
  );

  it('are the default of the hybrid runner template', () => {
    expect(templateDefaults('collate-hybrid-runner-aks').chartVersion).toBe(
      pins['hybrid-ingestion-runner'],
    );
  });

  it('are the versions of the fixture charts the tests install', () => {
    for (const chart of Object.keys(pins)) {
      expect(`${chart} ${fixtureChartVersion(chart)}`).toBe(
        `${chart} ${pins[chart]}`,
      );
    }
  });
});
