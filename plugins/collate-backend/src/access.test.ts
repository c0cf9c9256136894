import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';
import {
  collatePolicyDecision,
  readCollatePolicyOptions,
} from '@collate-backstage/plugin-permission-backend-module-collate';
import { refusedCollateActions } from './access';

// The decisions are the Collate policy's own (no hand-written conditions), for a deployer and for someone else.
const options = readCollatePolicyOptions(
  new ConfigReader({
    collate: { permissions: { deployers: ['group:default/platform-team'] } },
  }),
);
const decisionFor = (groups: string[]) =>
  collatePolicyDecision(
    { permission: actionExecutePermission },
    {
      userEntityRef: 'user:default/someone',
      ownershipEntityRefs: ['user:default/someone', ...groups],
    },
    options,
  )!;

describe('refusedCollateActions', () => {
  it('refuses none to a deployer', () => {
    expect(
      refusedCollateActions(decisionFor(['group:default/platform-team'])),
    ).toEqual([]);
  });

  it("refuses every Collate action under the policy's condition for anyone else", () => {
    const decision = decisionFor(['group:default/data-team']);
    expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(refusedCollateActions(decision)).toEqual([...COLLATE_ACTION_IDS]);
  });

  it('refuses every one under DENY and none under ALLOW', () => {
    expect(refusedCollateActions({ result: AuthorizeResult.DENY })).toEqual([
      ...COLLATE_ACTION_IDS,
    ]);
    expect(refusedCollateActions({ result: AuthorizeResult.ALLOW })).toEqual(
      [],
    );
  });

  it('leaves to the step what depends on its input, and reads allOf, anyOf and not', () => {
    const conditional = (conditions: any) =>
      refusedCollateActions({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-action',
        conditions,
      });
    const byId = (actionId: string) => ({
      rule: 'HAS_ACTION_ID',
      resourceType: 'scaffolder-action',
      params: { actionId },
    });
    const byInput = {
      rule: 'HAS_STRING_PROPERTY',
      resourceType: 'scaffolder-action',
      params: { key: 'cluster', value: 'prod' },
    };
    // Only collate:deploy allowed.
    expect(conditional(byId('collate:deploy'))).toEqual(
      COLLATE_ACTION_IDS.filter(id => id !== 'collate:deploy'),
    );
    // Allowed on one cluster only: decided by the step, so none counted as refused.
    expect(conditional(byInput)).toEqual([]);
    // Every action but collate:deploy, and that one only by input.
    expect(
      conditional({ anyOf: [{ not: byId('collate:deploy') }, byInput] }),
    ).toEqual([]);
    expect(
      conditional({ allOf: [{ not: byId('collate:deploy') }, byInput] }),
    ).toEqual(['collate:deploy']);
  });
});
