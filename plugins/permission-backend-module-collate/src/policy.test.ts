import {
  COLLATE_ACTION_IDS,
  COLLATE_DEPLOYER_ONLY_PERMISSIONS,
} from '@collate-backstage/plugin-collate-common';
import { ConfigReader } from '@backstage/config';
import { collatePolicyDecision, readCollatePolicyOptions } from './policy';

// The scaffolder asks for `scaffolder.action.execute` with its own credentials on behalf of the task's user and
// applies the conditional decision to each step's action (its HAS_ACTION_ID rule): the decision is checked here.
describe('collatePolicyDecision for the scaffolder', () => {
  const options = readCollatePolicyOptions(
    new ConfigReader({
      collate: {
        permissions: {
          deployers: ['Group:default/Platform-Team'],
          viewers: [],
        },
      },
    }),
  );
  const execute = {
    permission: {
      type: 'resource' as const,
      name: 'scaffolder.action.execute',
      attributes: {},
      resourceType: 'scaffolder-action',
    },
  };
  const info = (ref: string, groups: string[] = []) => ({
    userEntityRef: ref,
    ownershipEntityRefs: [ref, ...groups],
  });

  it('lets deployers (by group, refs compared as the catalog does) run every action', () => {
    expect(
      collatePolicyDecision(
        execute,
        info('user:default/dave', ['group:default/platform-team']),
        options,
      ),
    ).toEqual({ result: 'ALLOW' });
  });

  it('lets anyone else run every action but the collate:* ones', () => {
    const decision = collatePolicyDecision(
      execute,
      info('user:default/bob'),
      options,
    );
    expect(decision).toMatchObject({
      result: 'CONDITIONAL',
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
    });
    const ids = (
      decision as unknown as {
        conditions: {
          not: { anyOf: Array<{ rule: string; params: { actionId: string } }> };
        };
      }
    ).conditions.not.anyOf.map(c => `${c.rule} ${c.params.actionId}`);
    expect(ids).toContain('HAS_ACTION_ID collate:deploy');
    expect(ids).toContain('HAS_ACTION_ID collate:azure:role:assign');
    expect(ids).toEqual(COLLATE_ACTION_IDS.map(id => `HAS_ACTION_ID ${id}`));
  });

  it('denies Collate permissions without a user, and has no word on other permissions', () => {
    expect(
      collatePolicyDecision(
        {
          permission: {
            type: 'resource',
            name: 'collate.status.read',
            attributes: { action: 'read' },
            resourceType: 'catalog-entity',
          },
        },
        undefined,
        options,
      ),
    ).toEqual({ result: 'DENY' });
    expect(
      collatePolicyDecision(
        {
          permission: {
            type: 'basic',
            name: 'catalog.entity.create',
            attributes: { action: 'create' },
          },
        },
        info('user:default/bob'),
        options,
      ),
    ).toBeUndefined();
  });

  it('keeps the destructive operations to deployers: owners may retry and trigger, not terminate, deploy or recreate', () => {
    const onEntity = (name: string) => ({
      permission: {
        type: 'resource' as const,
        name,
        attributes: {},
        resourceType: 'catalog-entity',
      },
    });
    const owner = info('user:default/olga', ['group:default/team-a']);
    const deployer = info('user:default/dave', ['group:default/platform-team']);
    for (const name of COLLATE_DEPLOYER_ONLY_PERMISSIONS) {
      expect(collatePolicyDecision(onEntity(name), owner, options)).toEqual({
        result: 'DENY',
      });
      expect(collatePolicyDecision(onEntity(name), deployer, options)).toEqual({
        result: 'ALLOW',
      });
    }
    expect(COLLATE_DEPLOYER_ONLY_PERMISSIONS).toEqual([
      'collate.workflow.terminate',
      'collate.pipeline.deploy',
      'collate.search.recreate',
    ]);
    for (const name of [
      'collate.workflow.retry',
      'collate.pipeline.trigger',
      'collate.search.reindex',
    ])
      expect(
        collatePolicyDecision(onEntity(name), owner, options),
      ).toMatchObject({ result: 'CONDITIONAL', pluginId: 'catalog' });
  });
});
