import { InputError, NotFoundError } from '@backstage/errors';
import {
  COLLATE_HISTORY_DAYS,
  collateComponentsOf,
  type CollateRunHistory,
} from '@collate-backstage/plugin-collate-common';
import type express from 'express';
import type { EntityPermissions } from '../auth/requirePermission';
import type { StatusService } from '../status/StatusService';
import { requestAuth } from './statusRoutes';

/**
 * `GET|POST /entities/:kind/:namespace/:name/history[?days=1..14]`: the entity's ingestion runs per day (outcomes
 * and durations), from Argo's workflow archive or its live workflows. The POST form takes the user's cluster tokens
 * as the status routes do.
 */
export function addHistoryRoutes(
  router: express.Router,
  deps: { entityPermissions: EntityPermissions; status: StatusService },
) {
  const history = async (req: express.Request, res: express.Response) => {
    const days = daysOf(req.query.days);
    const { entity, entityRef } = await deps.entityPermissions.readable(req);
    if (!collateComponentsOf(entity).includes('ingestion'))
      throw new NotFoundError(
        `${entityRef} does not describe Collate ingestion`,
      );
    const body: CollateRunHistory = {
      entityRef,
      ...(await deps.status.history(entity, days, requestAuth(req))),
    };
    res.set('Cache-Control', 'no-store').json(body);
  };
  router.get('/entities/:kind/:namespace/:name/history', history);
  router.post('/entities/:kind/:namespace/:name/history', history);
}

function daysOf(raw: unknown): number {
  if (raw === undefined) return COLLATE_HISTORY_DAYS;
  const days = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(days >= 1 && days <= COLLATE_HISTORY_DAYS))
    throw new InputError(
      `Invalid query 'days': a whole number of days from 1 to ${COLLATE_HISTORY_DAYS}`,
    );
  return days;
}
