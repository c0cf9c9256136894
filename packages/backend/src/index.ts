/*
 * The portal's backend: Backstage's own plugins plus the Collate plugin set.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in for local use (app-config.yaml); OpenID Connect in production (app-config.production.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// the deployments the Collate templates register
backend.add(import('@collate-backstage/plugin-catalog-backend-module-collate'));

// scaffolder, with the Collate actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@collate-backstage/plugin-scaffolder-backend-module-collate'),
);

// permissions: the Collate policy (deployers, viewers, owners; everything else allowed)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@collate-backstage/plugin-permission-backend-module-collate'),
);

// search: Postgres engine when the database is Postgres, Lunr otherwise
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Collate status aggregation for the entity cards
backend.add(import('@collate-backstage/plugin-collate-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// the event bus: with several replicas, events published on one (a task's progress, a catalog change) reach the
// others through the database
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
