import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import type { Server } from 'node:http';
import catalogModuleCollate from './index';

const entities = (name: string, components = ['server']) => [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, annotations: { 'collate.io/cluster': 'local' } },
    spec: { owner: 'group:default/platform-team' },
  },
  ...components.map(c => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `${name}-${c}` },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/platform-team',
      system: name,
    },
  })),
];

/** The scaffolder plugin's own token, as its collate:catalog actions send it. */
const service = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:scaffolder'),
  targetPluginId: 'catalog',
});

describe('catalog module: Collate deployments', () => {
  let server: Server;

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleCollate,
        // A request without a token is anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['System', 'Component', 'Location'] }],
              processingInterval: { seconds: 1 },
            },
          },
        }),
      ],
    }));
  });

  async function entity(ref: string): Promise<any> {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
      .set('Authorization', mockCredentials.user.header());
    return res.status === 200 ? res.body : undefined;
  }

  async function eventually<T>(fn: () => Promise<T>, done: (v: T) => boolean) {
    const until = Date.now() + 20_000;
    for (;;) {
      const value = await fn();
      if (done(value) || Date.now() > until) return value;
      await new Promise(r => setTimeout(r, 200));
    }
  }

  it('answers nothing without credentials, and takes writes from services only', async () => {
    const body = { entities: entities('collate-a') };
    expect(
      (await request(server).get('/api/catalog/collate/deployments')).status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .put('/api/catalog/collate/deployments/a')
          .send(body)
      ).status,
    ).toBe(401);
    const asUser = await request(server)
      .put('/api/catalog/collate/deployments/collate-a')
      .set('Authorization', mockCredentials.user.header())
      .send(body);
    expect(asUser.status).toBe(403);
    expect(
      (
        await request(server)
          .delete('/api/catalog/collate/deployments/collate-a')
          .set('Authorization', mockCredentials.user.header())
      ).status,
    ).toBe(403);
  });

  it('refuses bad input before anything changes', async () => {
    const put = (name: string, body: unknown) =>
      request(server)
        .put(`/api/catalog/collate/deployments/${name}`)
        .set('Authorization', service)
        .send(body as object);
    for (const [name, body] of [
      ['Bad_Name', { entities: entities('x') }],
      ['x', { entities: [] }],
      ['x', { entities: [{ kind: 'System' }] }],
      ['x', { entities: [{ ...entities('x')[0], metadata: { name: 'A B' } }] }],
    ] as const) {
      const res = await put(name, body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
    const list = await request(server)
      .get('/api/catalog/collate/deployments')
      .set('Authorization', service);
    expect(list.body.deployments).toEqual([]);
  });

  it('registers, plans, updates, protects and removes a deployment', async () => {
    const put = (name: string, body: unknown, dryRun = false) =>
      request(server)
        .put(
          `/api/catalog/collate/deployments/${name}${
            dryRun ? '?dryRun=true' : ''
          }`,
        )
        .set('Authorization', service)
        .send(body as object);

    // A dry run plans the creation and changes nothing.
    const planned = await put(
      'collate-a',
      { entities: entities('collate-a') },
      true,
    );
    expect(planned.body).toMatchObject({ action: 'create' });
    expect(await entity('system:default/collate-a')).toBeUndefined();

    const created = await put('collate-a', {
      entities: entities('collate-a', ['server', 'runner']),
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      name: 'collate-a',
      action: 'create',
      entityRefs: [
        'system:default/collate-a',
        'component:default/collate-a-server',
        'component:default/collate-a-runner',
      ],
      removedEntityRefs: [],
    });
    const system: any = await eventually(
      () => entity('system:default/collate-a'),
      Boolean,
    );
    expect(system.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'collate-deployment:collate-a',
      'backstage.io/managed-by-origin-location': 'collate-deployment:collate-a',
      'collate.io/cluster': 'local',
    });
    expect(
      await eventually(
        () => entity('component:default/collate-a-runner'),
        Boolean,
      ),
    ).toBeDefined();

    // The same entities again: nothing to do.
    const again = await put('collate-a', {
      entities: entities('collate-a', ['server', 'runner']),
    });
    expect(again.body.action).toBe('unchanged');

    // Dropping the runner removes its entity from the catalog.
    const updated = await put('collate-a', { entities: entities('collate-a') });
    expect(updated.body).toMatchObject({
      action: 'update',
      removedEntityRefs: ['component:default/collate-a-runner'],
    });
    expect(
      await eventually(
        () => entity('component:default/collate-a-runner'),
        e => e === undefined,
      ),
    ).toBeUndefined();

    // Another deployment may not take an entity of this one.
    const takeover = await put('collate-b', {
      entities: [...entities('collate-b'), entities('collate-a')[1]],
    });
    expect(takeover.status).toBe(409);
    expect(takeover.body.error.message).toContain(
      "component:default/collate-a-server already belongs to Collate deployment 'collate-a'",
    );

    const del = (dryRun = false) =>
      request(server)
        .delete(
          `/api/catalog/collate/deployments/collate-a${
            dryRun ? '?dryRun=true' : ''
          }`,
        )
        .set('Authorization', service);
    expect((await del(true)).body).toEqual({
      name: 'collate-a',
      existed: true,
      removedEntityRefs: [
        'system:default/collate-a',
        'component:default/collate-a-server',
      ],
    });
    expect(await entity('system:default/collate-a')).toBeDefined();
    expect((await del()).body.existed).toBe(true);
    expect(
      await eventually(
        () => entity('system:default/collate-a'),
        e => e === undefined,
      ),
    ).toBeUndefined();
    expect(await entity('component:default/collate-a-server')).toBeUndefined();
    // Removing again is a no-op that succeeds.
    expect((await del()).body).toEqual({
      name: 'collate-a',
      existed: false,
      removedEntityRefs: [],
    });
  });

  it('sets collate.io annotations where the deployment has them (or on its System), plans first, no-ops when equal', async () => {
    const put = await request(server)
      .put('/api/catalog/collate/deployments/collate-b')
      .set('Authorization', service)
      .send({ entities: entities('collate-b') });
    expect(put.status).toBe(200);
    const patch = (annotations: unknown, dryRun = false, as = service) =>
      request(server)
        .patch(
          `/api/catalog/collate/deployments/collate-b${
            dryRun ? '?dryRun=true' : ''
          }`,
        )
        .set('Authorization', as)
        .send({ annotations });

    // Only services write, only collate.io/ annotations, strings.
    expect(
      (
        await patch(
          { 'collate.io/x': '1' },
          false,
          mockCredentials.user.header(),
        )
      ).status,
    ).toBe(403);
    for (const bad of [
      {},
      { 'backstage.io/owner': 'x' },
      { 'collate.io/x': 1 },
    ]) {
      const res = await patch(bad);
      expect([res.status, res.body.error?.name]).toEqual([400, 'InputError']);
    }
    expect(
      (
        await request(server)
          .patch('/api/catalog/collate/deployments/nope')
          .set('Authorization', service)
          .send({ annotations: { 'collate.io/x': '1' } })
      ).status,
    ).toBe(404);

    const version = { 'collate.io/server-chart-version': '1.12.4' };
    expect((await patch(version, true)).body).toEqual({
      name: 'collate-b',
      action: 'update',
      entityRefs: ['system:default/collate-b'],
    });
    const system = () => entity('system:default/collate-b');
    expect(
      (await eventually(system, e => e !== undefined)).metadata.annotations,
    ).not.toHaveProperty('collate.io/server-chart-version');
    expect((await patch(version)).body.action).toBe('update');
    const updated = await eventually(
      system,
      e =>
        e?.metadata.annotations['collate.io/server-chart-version'] === '1.12.4',
    );
    expect(updated.metadata.annotations).toMatchObject({
      'collate.io/cluster': 'local',
      'collate.io/server-chart-version': '1.12.4',
    });
    // The cluster annotation is where it was; setting it to its value changes nothing.
    expect((await patch({ 'collate.io/cluster': 'local' })).body).toEqual({
      name: 'collate-b',
      action: 'unchanged',
      entityRefs: [],
    });
  });

  it('takes writes from the scaffolder plugin only, of the kinds a deployment has, and never moves a deployment to another owner', async () => {
    const put = (name: string, body: object, as = service) =>
      request(server)
        .put(`/api/catalog/collate/deployments/${name}`)
        .set('Authorization', as)
        .send(body);
    // A static external token, or another plugin, may not write, whatever it sends.
    for (const as of [
      mockCredentials.service.header(),
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:ci'),
        targetPluginId: 'catalog',
      }),
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:search'),
        targetPluginId: 'catalog',
      }),
    ]) {
      const refused = await put(
        'collate-x',
        { entities: entities('collate-x') },
        as,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(
        /Only the scaffolder's collate:catalog actions write Collate deployments/,
      );
    }
    // A User with the deployers' group is not a deployment's entity.
    const user = await put('collate-x', {
      entities: [
        ...entities('collate-x'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'ci-pwn' },
          spec: {
            memberOf: ['platform-team'],
            profile: { email: 'x@evil.example' },
          },
        },
      ],
    });
    expect(user.status).toBe(403);
    expect(user.body.error.message).toBe(
      'entities[2] is a User: a Collate deployment registers only System, Component, Resource',
    );
    // Registered by one team, it cannot be registered again as another's.
    expect(
      (await put('collate-x', { entities: entities('collate-x') })).status,
    ).toBe(200);
    const stolen = entities('collate-x').map(e => ({
      ...e,
      spec: { ...e.spec, owner: 'group:default/team-b' },
    }));
    const takeover = await put('collate-x', { entities: stolen });
    expect(takeover.status).toBe(409);
    expect(takeover.body.error.message).toMatch(
      /Collate deployment 'collate-x' belongs to group:default\/platform-team/,
    );
    const listed = await request(server)
      .get('/api/catalog/collate/deployments')
      .set('Authorization', mockCredentials.user.header());
    expect(
      listed.body.deployments.filter(
        (d: { name: string }) => d.name === 'collate-x',
      ),
    ).toHaveLength(1);
  });
});
