import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { parse } from 'yaml';
import request from 'supertest';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import collateScaffolderModule from '@collate-backstage/plugin-scaffolder-backend-module-collate';
import { TEMPLATES_DIR, templateFiles } from './__testUtils__/templates';

const templates = templateFiles();

/** The ids of the actions a backend with the scaffolder and the Collate module registers. */
let registered: Set<string>;

beforeAll(async () => {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      collateScaffolderModule,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  const res = await request(server).get('/api/scaffolder/v2/actions');
  registered = new Set(res.body.map((a: { id: string }) => a.id));
});

describe('Software Templates', () => {
  it('has one template per documented topology, one to upgrade and one to decommission a deployment, all registered by templates/catalog-info.yaml', () => {
    const names = templates.map(t => t.template.metadata.name).sort();
    expect(names).toEqual([
      'collate-aws-eks',
      'collate-azure-aks',
      'collate-decommission-aws',
      'collate-decommission-azure',
      'collate-existing-deployment',
      'collate-hybrid-runner-aks',
      'collate-upgrade',
      'metaflow-azure',
    ]);
    const location = parse(
      readFileSync(join(TEMPLATES_DIR, 'catalog-info.yaml'), 'utf8'),
    );
    expect([...location.spec.targets].sort()).toEqual(
      templates.map(t => `./${t.dir.split('/').pop()}/template.yaml`).sort(),
    );
  });

  it.each(templates.map(t => [t.template.metadata.name, t] as const))(
    '%s is a valid Template entity',
    async (_name, t) => {
      await expect(
        templateEntityV1beta3Validator.check(t.template as any),
      ).resolves.toBe(true);
    },
  );

  it.each(templates.map(t => [t.template.metadata.name, t] as const))(
    '%s: every step uses an action the backend registers',
    (_name, t) => {
      const ids = registered;
      const unknown = t.template.spec.steps
        .map(s => s.action)
        .filter(a => !ids.has(a));
      expect(unknown).toEqual([]);
      // Step ids are unique, and every steps[...] reference names an earlier step.
      const stepIds = t.template.spec.steps.map(s => s.id);
      expect(new Set(stepIds).size).toBe(stepIds.length);
      t.template.spec.steps.forEach((step, i) => {
        const refs = [
          ...JSON.stringify(step.input ?? {}).matchAll(
            /steps(?:\.([\w]+)|\[\\?['"]([\w-]+)\\?['"]\])\.output/g,
          ),
        ].map(m => m[1] ?? m[2]);
        for (const ref of refs) {
          expect(stepIds.slice(0, i)).toContain(ref);
        }
      });
    },
  );

  it.each(templates.map(t => [t.template.metadata.name, t] as const))(
    '%s: secrets only through the Secret field and ${{ secrets.* }}',
    (_name, t) => {
      const text = readFileSync(t.path, 'utf8');
      const secretKeys = t.template.spec.parameters.flatMap(page =>
        Object.keys(page.properties).filter(key =>
          /password|token|secret/i.test(key),
        ),
      );
      const fields = t.template.spec.parameters.flatMap(page =>
        Object.entries(page.properties)
          .filter(([key]) => secretKeys.includes(key))
          .map(([key, prop]) => [key, prop['ui:field']]),
      );
      expect(fields).toEqual(secretKeys.map(key => [key, 'Secret']));
      // A secret parameter is never read as a parameter.
      expect(
        secretKeys.filter(key => text.includes(`parameters.${key}`)),
      ).toEqual([]);
    },
  );

  it.each(
    templates
      .filter(
        t =>
          ![
            'collate-decommission-aws',
            'collate-decommission-azure',
            'collate-upgrade',
          ].includes(t.template.metadata.name),
      )
      .map(t => [t.template.metadata.name, t] as const),
  )('%s: registers what it deployed and links to it', (_name, t) => {
    const steps = t.template.spec.steps;
    const register = steps.find(
      (s: any) => s.action === 'collate:catalog:register',
    );
    expect(register?.id).toBe('register');
    expect(register?.input.entities[0].kind).toBe('System');
    // A template that deploys Collate ends with the guides' post-install step: reindex search, once per revision.
    const deploy = steps.find((s: any) => s.action === 'collate:deploy');
    const last = deploy
      ? {
          action: 'collate:reindex',
          input: {
            serverUrl: `\${{ steps.${deploy.id}.output.serviceUrl }}`,
            unlessSucceededSince: `\${{ steps.${deploy.id}.output.deployedAt }}`,
          },
        }
      : register;
    expect(steps.at(-1)).toMatchObject(last!);
    expect(t.template.spec.output.links[0]).toEqual({
      title: 'Open the System in the catalog',
      icon: 'catalog',
      entityRef: '${{ steps.register.output.entityRef }}',
    });
    // The form groups parameters in titled steps; names are patterns the catalog accepts.
    for (const page of t.template.spec.parameters)
      expect(page.title).toBeTruthy();
    expect(t.template.spec.parameters[0].properties.name.pattern).toBeDefined();
  });

  it('collate-upgrade reads the deployment from the catalog, upgrades, reindexes, records the version, links back', () => {
    const t = templates.find(
      x => x.template.metadata.name === 'collate-upgrade',
    )!;
    const steps = t.template.spec.steps as any[];
    expect(steps.map(s => [s.id, s.action])).toEqual([
      ['system', 'catalog:fetch'],
      ['collate', 'collate:upgrade'],
      ['argo', 'collate:upgrade'],
      ['reindex', 'collate:reindex'],
      ['annotate', 'collate:catalog:annotate'],
    ]);
    // Where to upgrade comes from the System's annotations, as the create templates wrote them.
    const annotation = (key: string) =>
      `steps.system.output.entity.metadata.annotations['collate.io/${key}']`;
    expect(steps[1].input.cluster).toContain(annotation('kubernetes-cluster'));
    expect(steps[1].input.namespace).toContain(annotation('namespace'));
    expect(steps[2].input.namespace).toContain(annotation('argo-namespace'));
    expect(steps[3].input).toMatchObject({
      serverUrl: `\${{ ${annotation('server-url')} }}`,
      unlessSucceededSince: '${{ steps.collate.output.deployedAt }}',
    });
    expect(steps[4].input.annotations).toEqual({
      'collate.io/server-chart-version':
        '${{ steps.collate.output.toChartVersion }}',
    });
    expect(t.template.spec.output.links[0]).toEqual({
      title: 'Open the System in the catalog',
      icon: 'catalog',
      entityRef: '${{ parameters.system }}',
    });
  });

  it('collate-decommission-aws deletes in reverse order of creation, each step for the deployment the System names', () => {
    const t = templates.find(
      x => x.template.metadata.name === 'collate-decommission-aws',
    )!;
    const steps = t.template.spec.steps as any[];
    expect(steps.map(s => [s.id, s.action])).toEqual([
      ['system', 'catalog:fetch'],
      ['uninstall-collate', 'collate:helm:uninstall'],
      ['uninstall-argo', 'collate:helm:uninstall'],
      ['objects', 'collate:kubernetes:delete'],
      ['roles', 'collate:aws:iam:delete-roles'],
      ['bucket', 'collate:aws:s3:delete-bucket'],
      ['oidc-provider', 'collate:aws:eks:delete-oidc-provider'],
      ['unregister', 'collate:catalog:unregister'],
    ]);
    for (const step of steps.slice(1))
      expect(JSON.stringify(step.input)).toContain(
        "${{ parameters.system | parseEntityRef | pick('name') }}",
      );
    // Where the cluster is comes from the System; once it is gone, the cluster steps are skipped.
    expect(steps[0].input.optional).toBe(true);
    expect(steps.slice(1, 4).map(s => s.if)).toEqual(
      Array(3).fill('${{ steps.system.output.entity }}'),
    );
    // Nothing runs until the person ticks the confirmation.
    expect(t.template.spec.parameters[0].required).toContain('confirm');
    expect(t.template.spec.parameters[0].properties.confirm.enum).toEqual([
      true,
    ]);
  });

  it('collate-decommission-azure deletes in reverse order of creation, each step for the deployment the System names', () => {
    const t = templates.find(
      x => x.template.metadata.name === 'collate-decommission-azure',
    )!;
    const steps = t.template.spec.steps as any[];
    expect(steps.map(s => [s.id, s.action])).toEqual([
      ['system', 'catalog:fetch'],
      ['uninstall-collate', 'collate:helm:uninstall'],
      ['uninstall-argo', 'collate:helm:uninstall'],
      ['objects', 'collate:kubernetes:delete'],
      ['role-assignments', 'collate:azure:role:delete-assignments'],
      ['identities', 'collate:azure:identity:delete'],
      ['storage', 'collate:azure:storage:delete'],
      ['unregister', 'collate:catalog:unregister'],
    ]);
    for (const step of steps.slice(1))
      expect(JSON.stringify(step.input)).toContain(
        "${{ parameters.system | parseEntityRef | pick('name') }}",
      );
    // The subscription and resource group come from the System the Azure template registered, or, once it is
    // gone, from the form.
    for (const step of steps.slice(4, 7)) {
      expect(step.input.resourceGroup).toContain(
        "annotations['collate.io/azure-resource-group']",
      );
      expect(step.input.resourceGroup).toContain('parameters.resourceGroup');
    }
    const systemAnnotations = templates
      .find(x => x.template.metadata.name === 'collate-azure-aks')!
      .template.spec.steps.find((s: any) => s.id === 'register')!.input
      .entities[0].metadata.annotations;
    expect(systemAnnotations).toMatchObject({
      'collate.io/azure-subscription-id': '${{ parameters.subscriptionId }}',
      'collate.io/azure-resource-group': '${{ parameters.resourceGroup }}',
    });
    expect(t.template.spec.parameters[0].required).toContain('confirm');
    expect(t.template.spec.parameters[0].properties.confirm.enum).toEqual([
      true,
    ]);
  });

  it.each(['collate-azure-aks', 'collate-hybrid-runner-aks'])(
    '%s marks every Azure resource it creates with the deployment',
    name => {
      const steps = templates.find(x => x.template.metadata.name === name)!
        .template.spec.steps as any[];
      const creating = steps.filter(s =>
        [
          'collate:azure:identity:create',
          'collate:azure:storage:ensure',
          'collate:azure:role:assign',
        ].includes(s.action),
      );
      expect(creating.length).toBeGreaterThan(0);
      for (const step of creating)
        expect([step.id, step.input.deployment]).toEqual([
          step.id,
          '${{ parameters.name }}',
        ]);
    },
  );
});
