import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { mcpRequest } from '@internal/testenv';
import { collatePlugin } from '../plugin';

function system(name: string, extra: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-origin-location': `collate-deployment:${name}`,
        'collate.io/component': 'server',
        'collate.io/server-url': `http://openmetadata.${name}:8585`,
        ...extra,
      },
    },
    spec: { owner: `group:default/${name}-team` },
  };
}

/** A JSON-RPC call to the MCP server as a user. */
const mcp = (
  server: Parameters<typeof mcpRequest>[0],
  user: string,
  method: string,
  params: object = {},
) => mcpRequest(server, mockCredentials.user.header(user), method, params);

describe('the Collate actions for agents, over MCP', () => {
  async function start() {
    return startTestBackend({
      features: [
        collatePlugin,
        mcpActionsPlugin,
        catalogServiceMock.factory({
          entities: [
            system('collate-prod'),
            system('collate-other'),
            // Its own catalog file, not registered by the actions: never shown, whoever asks.
            system('mine', {
              'backstage.io/managed-by-origin-location':
                'url:https://git.example/catalog-info.yaml',
            }),
          ],
        }),
        mockServices.permissions.mock({
          // Bob may read nothing of Collate; Alice may read collate-prod only.
          authorize: async (requests, opts) =>
            requests.map(r => {
              const user = (
                opts?.credentials.principal as { userEntityRef?: string }
              )?.userEntityRef;
              const ref = 'resourceRef' in r ? r.resourceRef : undefined;
              const allowed =
                r.permission.name !== 'collate.status.read' ||
                (user === 'user:default/alice' &&
                  ref === 'system:default/collate-prod');
              return {
                result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
              };
            }),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['collate'] } },
            collate: { servers: [] },
          },
        }),
      ],
    });
  }

  it('lists our actions, read-only, and answers a deployment status and the list with what the user may read', async () => {
    const { server } = await start();
    const tools = await mcp(server, 'user:default/alice', 'tools/list');
    expect(tools.status).toBe(200);
    const names = tools.body.result.tools.map((t: { name: string }) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'collate.list-deployments',
        'collate.get-deployment-status',
        'collate.get-deployment-versions',
        'collate.plan-upgrade',
        'collate.plan-decommission',
      ]),
    );
    for (const t of tools.body.result.tools)
      expect(t.annotations).toMatchObject({ readOnlyHint: true });

    const status = await mcp(server, 'user:default/alice', 'tools/call', {
      name: 'collate.get-deployment-status',
      arguments: { entityRef: 'system:default/collate-prod' },
    });
    const answer = JSON.parse(status.body.result.content[0].text);
    expect(answer.entityRef).toBe('system:default/collate-prod');
    expect(
      answer.components.map((c: { component: string }) => c.component),
    ).toEqual(['server', 'database', 'search', 'ingestion']);

    const list = await mcp(server, 'user:default/alice', 'tools/call', {
      name: 'collate.list-deployments',
      arguments: {},
    });
    const listed = JSON.parse(list.body.result.content[0].text);
    expect(
      listed.deployments.map((d: { entityRef: string }) => d.entityRef),
    ).toEqual(['system:default/collate-prod']);
    // collate-other (policy) and mine (not registered) are counted, not shown.
    expect(listed.refused).toBe(2);
  });

  it('refuses a user without read permission, saying why', async () => {
    const { server } = await start();
    const refused = await mcp(server, 'user:default/bob', 'tools/call', {
      name: 'collate.get-deployment-status',
      arguments: { entityRef: 'system:default/collate-prod' },
    });
    const text = JSON.stringify(refused.body);
    expect(text).toMatch(
      /Not allowed to read the Collate status of system:default\/collate-prod/,
    );
    expect(text).not.toMatch(/"components"/);
  });

  it('refuses a plan to a user who may not read the deployment, before the scaffolder is asked', async () => {
    const { server } = await start();
    for (const [name, args] of [
      ['collate.plan-upgrade', { version: '1.12.4', imageTag: 'om-1.12.4' }],
      ['collate.plan-decommission', {}],
    ] as const) {
      const refused = await mcp(server, 'user:default/bob', 'tools/call', {
        name,
        arguments: { entityRef: 'system:default/collate-prod', ...args },
      });
      // No scaffolder in this backend: the refusal comes first, or the call would fail on the dry-run instead.
      expect(JSON.stringify(refused.body)).toMatch(
        /Not allowed to read the Collate status of system:default\/collate-prod/,
      );
    }
  });
});
