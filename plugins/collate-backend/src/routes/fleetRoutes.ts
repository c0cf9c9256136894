import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError } from '@backstage/errors';
import type express from 'express';
import type { EntityPermissions } from '../auth/requirePermission';
import { readFleet } from '../fleet/readFleet';
import type { FleetRows } from '../fleet/fleetRows';

/**
 * `GET /fleet[?owner=]`: the Collate deployments the caller may read, each summed up (health per component, versions
 * and drift, failed and stale runs, pull-secret expiry, last reindex), worst first. Answered from the fleet's rows
 * ({@link FleetRows}); what is cold is read with a bounded fan-out.
 */
export function addFleetRoutes(
  router: express.Router,
  deps: {
    httpAuth: HttpAuthService;
    catalog: CatalogService;
    entityPermissions: EntityPermissions;
    rows: FleetRows;
  },
) {
  router.get('/fleet', async (req, res) => {
    const credentials = await deps.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const owner = req.query.owner;
    if (owner !== undefined && (typeof owner !== 'string' || !owner))
      throw new InputError("'owner' must be one entity reference");
    const fleet = await readFleet(deps, credentials, {
      ...(owner ? { owner } : {}),
    });
    res.set('Cache-Control', 'no-store').json(fleet);
  });
}
