import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type PermissionEvaluator,
} from '@backstage/plugin-permission-common';
import {
  collateReindexPermission,
  collateStatusReadPermission,
} from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import { ConfigReader } from '@backstage/config';
import { createEntityPermissions } from './requirePermission';
import { DeploymentBinding } from './deploymentBinding';

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate-demo',
    namespace: 'default',
    annotations: {
      // Set by the catalog for what the Collate actions registered.
      'backstage.io/managed-by-origin-location':
        'collate-deployment:collate-demo',
    },
  },
  spec: { owner: 'platform-team' },
};

/** Another team's own System, from a catalog file it registered, naming the demo's cluster and server. */
const lookalike = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'their-system',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-origin-location':
        'url:https://git.example/team-b/catalog-info.yaml',
      'collate.io/component': 'server',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/namespace': 'collate',
      'collate.io/server-url': 'http://openmetadata.collate:8585',
    },
  },
  spec: { owner: 'team-b' },
};

const request = (name: string, auth?: string) =>
  ({
    params: { kind: 'system', namespace: 'default', name },
    headers: auth ? { authorization: auth } : {},
  } as unknown as express.Request);

/** A policy that allows only the named permissions, and records what it was asked. */
function policy(allowed: string[]) {
  const asked: string[] = [];
  const authorize: PermissionEvaluator['authorize'] = async requests =>
    requests.map(r => {
      asked.push(r.permission.name);
      return {
        result: allowed.includes(r.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    });
  return { asked, service: mockServices.permissions.mock({ authorize }) };
}

function guard(allowed: string[], adoptedLocations: object[] = []) {
  const p = policy(allowed);
  return {
    asked: p.asked,
    ...createEntityPermissions({
      httpAuth: mockServices.httpAuth(),
      permissions: p.service,
      catalog: catalogServiceMock({ entities: [system, lookalike] }),
      binding: DeploymentBinding.fromConfig(
        new ConfigReader({ collate: { adoptedLocations } }),
      ),
    }),
  };
}

describe('createEntityPermissions', () => {
  it('reads an entity the caller may read', async () => {
    const { readable } = guard([collateStatusReadPermission.name]);
    const got = await readable(request('collate-demo'));
    expect(got.entityRef).toBe('system:default/collate-demo');
    expect(got.entity.metadata.name).toBe('collate-demo');
  });

  it('refuses to read without collate.status.read, and 404s an entity the catalog does not have', async () => {
    await expect(
      guard([]).readable(request('collate-demo')),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed to read the Collate status of system:default/collate-demo',
    });
    await expect(
      guard([collateStatusReadPermission.name]).readable(request('nothing')),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it("allows an operation only with the operation's own permission, and names it when it refuses", async () => {
    const reader = guard([collateStatusReadPermission.name]);
    await expect(
      reader.allowed(
        request('collate-demo'),
        collateReindexPermission,
        'reindex the search of',
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Not allowed to reindex the search of system:default/collate-demo (permission collate.search.reindex)',
    });
    expect(reader.asked).toEqual([
      collateStatusReadPermission.name,
      collateReindexPermission.name,
    ]);

    const operator = guard([
      collateStatusReadPermission.name,
      collateReindexPermission.name,
    ]);
    const got = await operator.allowed(
      request('collate-demo'),
      collateReindexPermission,
      'reindex the search of',
    );
    expect(got.credentials.principal.userEntityRef).toBe(
      mockCredentials.user().principal.userEntityRef,
    );
  });

  it('refuses an operation to a service, even one that may read', async () => {
    const { allowed } = guard([
      collateStatusReadPermission.name,
      collateReindexPermission.name,
    ]);
    await expect(
      allowed(
        request('collate-demo', mockCredentials.service.header()),
        collateReindexPermission,
        'reindex the search of',
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('refuses an entity the Collate actions did not register, whatever its annotations, unless its location is adopted', async () => {
    const reader = guard([collateStatusReadPermission.name]);
    await expect(
      reader.readable(request('their-system')),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'system:default/their-system was not registered by the Collate actions, and its location (url:https://git.example/team-b/catalog-info.yaml) is not adopted',
      ),
    });
    // The portal's operators adopt the team's location: then its coordinates count.
    const adopted = guard(
      [collateStatusReadPermission.name],
      [{ type: 'url', target: 'https://git.example/team-b/catalog-info.yaml' }],
    );
    await expect(
      adopted.readable(request('their-system')),
    ).resolves.toMatchObject({ entityRef: 'system:default/their-system' });
  });
});
