import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CollateFleet } from '@collate-backstage/plugin-collate-common';
import request from 'supertest';
import { collatePlugin } from '../plugin';

function system(
  name: string,
  tags: string[],
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name,
      namespace: 'default',
      tags,
      annotations: {
        'backstage.io/managed-by-origin-location': `collate-deployment:${name}`,
        'collate.io/component': 'server',
        'collate.io/namespace': 'collate',
        ...annotations,
      },
    },
    spec: { owner: `group:default/${name}-team` },
  };
}

describe('GET /fleet', () => {
  it('lists the deployments the caller may read, worst first, with cloud, cluster and component health', async () => {
    const { server } = await startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({
          entities: [
            // A configured server that answers nothing: unknown, with why.
            system('eu-prod', ['collate', 'azure'], {
              'collate.io/server-url': 'http://openmetadata.eu:8585',
              'collate.io/azure-subscription-id':
                '11111111-2222-3333-4444-555555555555',
            }),
            // Nothing to read at all: unknown too, said as a missing annotation.
            system('us-prod', ['collate', 'aws']),
            system('secret', ['collate', 'aws']),
            // Registered by no one: not a deployment the backend acts on.
            system('mine', ['collate'], {
              'backstage.io/managed-by-origin-location':
                'url:https://git.example/c.yaml',
            }),
          ],
        }),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                'resourceRef' in r && r.resourceRef === 'system:default/secret'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            collate: {
              servers: [
                {
                  url: 'http://openmetadata.eu:8585',
                  baseUrl: 'http://127.0.0.1:1',
                  token: 't',
                },
              ],
              status: { timeouts: { collateMs: 500 } },
            },
          },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/collate/fleet')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const fleet = res.body as CollateFleet;
    expect(fleet.refused).toBe(2);
    expect(
      fleet.deployments.map(d => [d.entityRef, d.cloud, d.owner, d.health]),
    ).toEqual([
      [
        'system:default/eu-prod',
        'Azure',
        'group:default/eu-prod-team',
        'unknown',
      ],
      [
        'system:default/us-prod',
        'AWS',
        'group:default/us-prod-team',
        'unknown',
      ],
    ]);
    expect(fleet.deployments[0]).toMatchObject({
      namespace: 'collate',
      chartDrift: false,
      failedRuns24h: 0,
      staleRuns: 0,
    });
    expect(fleet.deployments[0].components[0]).toMatchObject({
      component: 'server',
      health: 'unknown',
      reason: expect.stringContaining('Collate'),
    });

    const bad = await request(server)
      .get('/api/collate/fleet?owner=')
      .set('Authorization', mockCredentials.user.header());
    expect(bad.status).toBe(400);
  });
});
