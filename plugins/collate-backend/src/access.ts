import {
  AuthorizeResult,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';

/**
 * Whether the scaffolder would run an action with this id under a decision on `scaffolder.action.execute`: `true`,
 * `false`, or `undefined` when it depends on a rule about the step's input (`HAS_PROPERTY` and the like), which only
 * the step itself can answer when it runs.
 */
function evaluate(
  criteria: PermissionCriteria<PermissionCondition>,
  actionId: string,
): boolean | undefined {
  if ('allOf' in criteria) {
    const results = criteria.allOf.map(c => evaluate(c, actionId));
    if (results.includes(false)) return false;
    return results.includes(undefined) ? undefined : true;
  }
  if ('anyOf' in criteria) {
    const results = criteria.anyOf.map(c => evaluate(c, actionId));
    if (results.includes(true)) return true;
    return results.includes(undefined) ? undefined : false;
  }
  if ('not' in criteria) {
    const result = evaluate(criteria.not, actionId);
    return result === undefined ? undefined : !result;
  }
  // The scaffolder's rule on the action id (scaffolder-backend's `hasActionId`).
  if (criteria.rule === 'HAS_ACTION_ID') {
    return (criteria.params as { actionId?: string })?.actionId === actionId;
  }
  return undefined;
}

/**
 * The Collate actions a decision on `scaffolder.action.execute` refuses outright: what a task of a Collate template
 * would fail on at its first Collate step. Actions that depend on their input are not counted as refused.
 */
export function refusedCollateActions(decision: PolicyDecision): string[] {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW
      ? []
      : [...COLLATE_ACTION_IDS];
  }
  const { conditions } = decision;
  return COLLATE_ACTION_IDS.filter(id => evaluate(conditions, id) === false);
}
