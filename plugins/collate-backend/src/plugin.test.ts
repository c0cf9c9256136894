import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { collatePlugin } from './plugin';

const search: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'collate-search',
    namespace: 'default',
    annotations: {
      // Set by the catalog for what the Collate actions registered.

      'backstage.io/managed-by-origin-location':
        'collate-deployment:collate-search',
      'collate.io/component': 'search',
      'collate.io/server-url': 'http://openmetadata.collate:8585',
      'collate.io/search-endpoint': 'http://opensearch.collate:9200',
    },
  },
  spec: { type: 'search-engine', owner: 'platform-team' },
};
const plain: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'plain', namespace: 'default' },
  spec: { type: 'service', owner: 'platform-team', lifecycle: 'production' },
};

async function backend(
  options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
) {
  const { server } = await startTestBackend({
    features: [
      collatePlugin,
      catalogServiceMock.factory({ entities: [search, plain] }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
    ],
  });
  return server;
}

describe('collate backend plugin', () => {
  it('answers its health route without credentials', async () => {
    const res = await request(await backend()).get('/api/collate/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers nothing else without credentials', async () => {
    const { server } = await startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({ entities: [search, plain] }),
        // A request without a token is anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    const status =
      '/api/collate/entities/resource/default/collate-search/status';
    const entity = '/api/collate/entities/resource/default/collate-search';
    const answers = await Promise.all([
      request(server).get('/api/collate/clusters'),
      request(server).get('/api/collate/access/deploy'),
      request(server).get(status),
      request(server).post(status).send({ auth: {} }),
      request(server).get(`${status}/search`),
      request(server).post(`${status}/search`).send({}),
      request(server).post(`${entity}/reindex`).send({}),
      request(server).post(`${entity}/workflows/ingest-1/retry`),
      request(server).get(`${entity}/workflows/ingest-1/log`),
      request(server).post(
        `${entity}/pipelines/0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01/trigger`,
      ),
    ]);
    // Every route but /health: 401 before anything is read.
    expect(answers.map(r => r.status)).toEqual(Array(10).fill(401));
    expect((await request(server).get('/api/collate/health')).status).toBe(200);
  });

  it('tells the signed-in user whether the policy lets them run the Collate actions, and who may', async () => {
    const deployers = ['group:default/platform-team'];
    const answer = async (
      permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    ) => {
      const { server } = await startTestBackend({
        features: [
          collatePlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.permissions.factory({ result: permission }),
          mockServices.rootConfig.factory({
            data: { collate: { permissions: { deployers } } },
          }),
        ],
      });
      return request(server).get('/api/collate/access/deploy');
    };

    const allowed = await answer(AuthorizeResult.ALLOW);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({
      allowed: true,
      refusedActions: [],
      deployers,
    });
    const refused = await answer(AuthorizeResult.DENY);
    expect(refused.body).toEqual({
      allowed: false,
      refusedActions: [...COLLATE_ACTION_IDS],
      deployers,
    });
  });

  it('does not serve unknown routes', async () => {
    const res = await request(await backend()).get('/api/collate/nope');

    expect(res.status).toBe(404);
  });

  it('reports the components an entity describes, with the reason a source is missing', async () => {
    const res = await request(await backend()).get(
      '/api/collate/entities/resource/default/collate-search/status',
    );

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      entityRef: 'resource:default/collate-search',
      components: [
        {
          component: 'search',
          health: 'unknown',
          // Missing configuration is said briefly; the error carries the key to add and the whole message.
          reason: 'Collate: not configured (collate.servers)',
          errors: [
            {
              source: 'collate',
              message:
                'http://openmetadata.collate:8585 is not configured under collate.servers in the backend',
              configKey: 'collate.servers',
            },
          ],
          endpoint: 'http://opensearch.collate:9200',
          observedAt: expect.any(String),
        },
      ],
    });
  });

  it('serves one component for refreshes and rejects components the entity does not describe', async () => {
    const server = await backend();
    const one = await request(server).get(
      '/api/collate/entities/resource/default/collate-search/status/search',
    );
    expect(one.status).toBe(200);
    expect(one.body.component).toBe('search');

    const other = await request(server).get(
      '/api/collate/entities/resource/default/collate-search/status/argo',
    );
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe(
      'resource:default/collate-search does not describe a Collate argo',
    );

    const bad = await request(server).get(
      '/api/collate/entities/resource/default/collate-search/status/oracle',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
  });

  it('answers 404 for unknown entities and an empty list for entities without annotations', async () => {
    const server = await backend();
    const missing = await request(server).get(
      '/api/collate/entities/component/default/nope/status',
    );
    expect(missing.status).toBe(404);

    const none = await request(server).get(
      '/api/collate/entities/component/default/plain/status',
    );
    expect(none.status).toBe(200);
    expect(none.body.components).toEqual([]);
  });

  it('requires collate.status.read', async () => {
    const res = await request(
      await backend({ permission: AuthorizeResult.DENY }),
    ).get('/api/collate/entities/resource/default/collate-search/status');

    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Not allowed to read the Collate status of resource:default/collate-search',
    );
  });

  it('requires a Backstage token', async () => {
    const res = await request(await backend())
      .get('/api/collate/entities/resource/default/collate-search/status')
      .set('Authorization', 'Bearer not-a-token');

    expect(res.status).toBe(401);
  });
});
