import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { CollatePermissionPolicy, readCollatePolicyOptions } from './policy';
import { portalDefaultDecision } from './portalDefaults';

const query = (name: string, resourceType?: string) => ({
  permission: resourceType
    ? { type: 'resource' as const, name, attributes: {}, resourceType }
    : { type: 'basic' as const, name, attributes: {} },
});
const info = (ref: string) => ({
  userEntityRef: ref,
  ownershipEntityRefs: [ref],
});
const plain = { deployer: false, locationCreator: false };

describe('portalDefaultDecision: what is not Collate’s', () => {
  it('lets a user read and cancel only their own scaffolder tasks; deployers every task', () => {
    for (const name of ['scaffolder.task.read', 'scaffolder.task.cancel'])
      expect(
        portalDefaultDecision(
          query(name, 'scaffolder-task'),
          info('user:default/bob'),
          plain,
        ),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/bob'] },
        },
      });
    expect(
      portalDefaultDecision(
        query('scaffolder.task.read', 'scaffolder-task'),
        info('user:default/dave'),
        { deployer: true, locationCreator: false },
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only deployers and location creators register catalog locations', () => {
    const create = query('catalog.location.create');
    expect(
      portalDefaultDecision(create, info('user:default/bob'), plain),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      portalDefaultDecision(create, info('user:default/cara'), {
        deployer: false,
        locationCreator: true,
      }),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      portalDefaultDecision(
        query('catalog.entity.read', 'catalog-entity'),
        info('user:default/bob'),
        plain,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('is replaced by the portal’s own policy when one is given, Collate’s decisions staying', async () => {
    const options = readCollatePolicyOptions(
      new ConfigReader({
        collate: {
          permissions: {
            deployers: ['group:default/platform-team'],
            locationCreators: ['user:default/cara'],
          },
        },
      }),
    );
    const userInfo = mockServices.userInfo();
    const asked: string[] = [];
    const rbac: PermissionPolicy = {
      handle: async request => {
        asked.push(request.permission.name);
        return { result: AuthorizeResult.DENY };
      },
    };
    const user = {
      credentials: {
        $$type: '@backstage/BackstageCredentials' as const,
        principal: {
          type: 'user' as const,
          userEntityRef: 'user:default/cara',
        },
      },
      info: { userEntityRef: 'user:default/cara', ownershipEntityRefs: [] },
    } as never;
    const withRbac = new CollatePermissionPolicy(options, userInfo, rbac);
    expect(
      await withRbac.handle(query('catalog.location.create'), user),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(asked).toEqual(['catalog.location.create']);
    expect(
      (
        await withRbac.handle(
          query('collate.status.read', 'catalog-entity'),
          user,
        )
      ).result,
    ).toBe(AuthorizeResult.CONDITIONAL);
    expect(asked).toEqual(['catalog.location.create']);
    const safe = new CollatePermissionPolicy(options, userInfo);
    expect(await safe.handle(query('catalog.location.create'), user)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
