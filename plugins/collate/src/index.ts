/**
 * Entity cards for Collate deployments: overview, Argo, database, search engine, Hybrid Runner, ingestion workflows;
 * and for Metaflow on Azure, its services.
 *
 * @packageDocumentation
 */
export {
  collateFleetRouteRef,
  collatePlugin,
  CollateFleetPage,
  EntityCollateArgoCard,
  EntityCollateContent,
  EntityCollateDatabaseCard,
  EntityCollateIngestionCard,
  EntityCollateMetaflowCard,
  EntityCollateOverviewCard,
  EntityCollateRunnerCard,
  EntityCollateSearchCard,
} from './plugin';
export {
  CollateStatusClient,
  collateStatusApiRef,
  type CollateStatusApi,
  type CollateWorkflowLogOptions,
  type CollateUserAuth,
} from './api';
