import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendModule,
  type BackstageUserInfo,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { CollatePermissionPolicy, readCollatePolicyOptions } from './policy';

// Real catalog users and groups (their memberOf relations, as a sign-in resolver reads them), this policy, and the
// real catalog applying its isEntityOwner condition to the real entity, as the permission backend has it do: no
// decision is mocked. The Collate backend's routes ask exactly these questions (collate.status.read and the other
// collate.* permissions with the entity's ref).
const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [] },
});
const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { memberOf },
});
const deployment: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'sales-collate-db',
    annotations: {
      'collate.io/component': 'database',
      'collate.io/database-endpoint': 'postgres.collate:5432',
    },
  },
  spec: { type: 'database', owner: 'group:default/sales-team' },
};
const entities = [
  group('platform-team'),
  group('data-team'),
  group('sales-team'),
  user('dave', ['platform-team']),
  user('vera', ['data-team']),
  user('olga', ['sales-team']),
  user('bob', []),
  deployment,
];
const entitiesModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-entities',
  register(reg) {
    reg.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addEntityProvider({
          getProviderName: () => 'test-entities',
          connect: async connection => {
            await connection.applyMutation({
              type: 'full',
              entities: entities.map(entity => ({
                entity: {
                  ...entity,
                  metadata: {
                    ...entity.metadata,
                    namespace: 'default',
                    annotations: {
                      ...entity.metadata.annotations,
                      'backstage.io/managed-by-location':
                        'url:https://example.com/x',
                      'backstage.io/managed-by-origin-location':
                        'url:https://example.com/x',
                    },
                  },
                },
                locationKey: 'test-entities',
              })),
            });
          },
        });
      },
    });
  },
});

describe('the Collate permission policy on real users, groups and entities', () => {
  jest.setTimeout(60_000);
  let server: any;
  let policy: CollatePermissionPolicy;
  const service = mockCredentials.service.header();

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        catalogPlugin,
        entitiesModule,
        mockServices.rootConfig.factory({
          data: { catalog: { processingInterval: { seconds: 1 } } },
        }),
      ],
    }));
    // Until the catalog has processed the entities (users with their memberOf relations).
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/user/default/bob')
        .set('Authorization', service);
      if (res.status === 200 && res.body.relations?.length >= 0) {
        const done = await request(server)
          .get(
            '/api/catalog/entities/by-name/resource/default/sales-collate-db',
          )
          .set('Authorization', service);
        if (done.status === 200) break;
      }
      await new Promise(r => setTimeout(r, 200));
    }
    // The user's identity as the default sign-in resolvers make it: the user and the groups the catalog says they
    // are a member of.
    const userInfo = {
      async getUserInfo(credentials: any): Promise<BackstageUserInfo> {
        const ref = credentials.principal.userEntityRef as string;
        const name = ref.split('/')[1];
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/user/default/${name}`)
          .set('Authorization', service);
        const groups = (res.body.relations ?? [])
          .filter((r: { type: string }) => r.type === 'memberOf')
          .map((r: { targetRef: string }) => r.targetRef);
        return { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] };
      },
    };
    policy = new CollatePermissionPolicy(
      readCollatePolicyOptions(
        new ConfigReader({
          collate: {
            permissions: {
              deployers: ['group:default/platform-team'],
              viewers: ['group:default/data-team'],
            },
          },
        }),
      ),
      userInfo,
    );
  });

  /**
   * The policy's decision for a user on an entity, a conditional one applied by the catalog to the real entity as the
   * permission backend has it applied (the catalog's apply-conditions endpoint, called as the permission plugin).
   */
  const decide = async (
    name: string,
    permission: string,
    entityRef: string,
  ) => {
    const decision = await policy.handle(
      {
        permission: {
          type: 'resource',
          name: permission,
          attributes: {
            action: permission === 'collate.status.read' ? 'read' : 'update',
          },
          resourceType: 'catalog-entity',
        },
      },
      { credentials: mockCredentials.user(`user:default/${name}`) } as any,
    );
    if (decision.result !== 'CONDITIONAL') return decision.result;
    const applied = await request(server)
      .post('/api/catalog/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', service)
      .send({
        items: [
          {
            id: '1',
            resourceRef: entityRef,
            resourceType: decision.resourceType,
            conditions: decision.conditions,
          },
        ],
      });
    return applied.body.items[0].result;
  };
  const onDeployment = (name: string, permission: string) =>
    decide(name, permission, 'resource:default/sales-collate-db');

  it('lets the owners (through their group), the viewers and the deployers read the status, nobody else', async () => {
    expect(await onDeployment('olga', 'collate.status.read')).toBe('ALLOW');
    expect(await onDeployment('vera', 'collate.status.read')).toBe('ALLOW');
    expect(await onDeployment('dave', 'collate.status.read')).toBe('ALLOW');
    expect(await onDeployment('bob', 'collate.status.read')).toBe('DENY');
  });

  it('lets the owners and the deployers operate the deployment, not the viewers', async () => {
    for (const permission of [
      'collate.workflow.retry',
      'collate.workflow.logs',
      'collate.pipeline.trigger',
      'collate.search.reindex',
    ]) {
      expect(await onDeployment('olga', permission)).toBe('ALLOW');
      expect(await onDeployment('dave', permission)).toBe('ALLOW');
      expect(await onDeployment('vera', permission)).toBe('DENY');
      expect(await onDeployment('bob', permission)).toBe('DENY');
    }
    // The destructive ones are the deployers' alone, the owners' too would let one team disturb what others use.
    for (const permission of [
      'collate.workflow.terminate',
      'collate.pipeline.deploy',
      'collate.search.recreate',
    ]) {
      expect(await onDeployment('olga', permission)).toBe('DENY');
      expect(await onDeployment('dave', permission)).toBe('ALLOW');
      expect(await onDeployment('bob', permission)).toBe('DENY');
    }
  });

  it('decides per entity: the owners of one deployment are not owners of another', async () => {
    expect(
      await decide(
        'olga',
        'collate.workflow.retry',
        'group:default/platform-team',
      ),
    ).toBe('DENY');
  });
});
