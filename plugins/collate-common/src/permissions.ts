import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of the catalog entities whose status the backend reports. @public */
export const COLLATE_STATUS_RESOURCE_TYPE = 'catalog-entity';

/**
 * Reading the live status of a Collate deployment (the entity cards' data).
 * A resource permission on catalog entities, so policies can restrict it per entity.
 * @public
 */
export const collateStatusReadPermission = createPermission({
  name: 'collate.status.read',
  attributes: { action: 'read' },
  resourceType: COLLATE_STATUS_RESOURCE_TYPE,
});

/**
 * Rebuilding the search indexes of a Collate deployment from its search engine card (Collate's
 * SearchIndexingApplication). A resource permission on the entity, so a policy can keep it to the entity's owners.
 * @public
 */
export const collateReindexPermission = createPermission({
  name: 'collate.search.reindex',
  attributes: { action: 'update' },
  resourceType: COLLATE_STATUS_RESOURCE_TYPE,
});

/**
 * Rebuilding the search indexes from scratch (`recreateIndex`: drop and rebuild; search is incomplete meanwhile). A
 * permission of its own, since it disturbs everyone who searches. @public
 */
export const collateReindexRecreatePermission = createPermission({
  name: 'collate.search.recreate',
  attributes: { action: 'delete' },
  resourceType: COLLATE_STATUS_RESOURCE_TYPE,
});

/** What can be done to an ingestion workflow from the ingestion card (the Argo server's workflow operations). @public */
export type CollateWorkflowOperation =
  | 'retry'
  | 'resubmit'
  | 'stop'
  | 'terminate';

/** @public */
export const COLLATE_WORKFLOW_OPERATIONS: readonly CollateWorkflowOperation[] =
  ['retry', 'resubmit', 'stop', 'terminate'];

const workflowPermission = (operation: CollateWorkflowOperation) =>
  createPermission({
    name: `collate.workflow.${operation}`,
    attributes: { action: 'update' },
    resourceType: COLLATE_STATUS_RESOURCE_TYPE,
  });

/**
 * One permission per workflow operation, each a resource permission on the entity whose ingestion namespace holds
 * the workflow, so a policy can allow retrying to the entity's owners and terminating to fewer.
 * @public
 */
export const collateWorkflowPermissions = {
  retry: workflowPermission('retry'),
  resubmit: workflowPermission('resubmit'),
  stop: workflowPermission('stop'),
  terminate: workflowPermission('terminate'),
};

/**
 * Reading the logs of an ingestion workflow's pods through the backend (the ingestion card's log viewer). Logs can
 * carry what the ingestion read, so this is its own permission: a resource permission on the entity (`read`).
 * @public
 */
export const collateWorkflowLogsPermission = createPermission({
  name: 'collate.workflow.logs',
  attributes: { action: 'read' },
  resourceType: COLLATE_STATUS_RESOURCE_TYPE,
});

/** What can be done to a Collate ingestion pipeline from the ingestion card (Collate's pipeline routes). @public */
export type CollatePipelineOperation = 'trigger' | 'deploy';

/** @public */
export const COLLATE_PIPELINE_OPERATIONS: readonly CollatePipelineOperation[] =
  ['trigger', 'deploy'];

/**
 * Running a Collate ingestion pipeline now (`POST /api/v1/services/ingestionPipelines/trigger/{id}`) and
 * (re)deploying it to the pipeline service (`…/deploy/{id}`): resource permissions on the entity whose Collate
 * server holds the pipeline.
 * @public
 */
export const collatePipelinePermissions = {
  trigger: createPermission({
    name: 'collate.pipeline.trigger',
    attributes: { action: 'update' },
    resourceType: COLLATE_STATUS_RESOURCE_TYPE,
  }),
  deploy: createPermission({
    name: 'collate.pipeline.deploy',
    attributes: { action: 'update' },
    resourceType: COLLATE_STATUS_RESOURCE_TYPE,
  }),
};

/** Every permission this plugin set defines. @public */
export const collatePermissions = [
  collateStatusReadPermission,
  collateReindexPermission,
  collateReindexRecreatePermission,
  ...Object.values(collateWorkflowPermissions),
  collateWorkflowLogsPermission,
  ...Object.values(collatePipelinePermissions),
];

/**
 * The destructive day-2 operations: terminating a workflow, (re)deploying a pipeline, recreating the search indexes.
 * The Collate policy grants them to deployers only, not to an entity's owners. @public
 */
export const COLLATE_DEPLOYER_ONLY_PERMISSIONS: readonly string[] = [
  collateWorkflowPermissions.terminate.name,
  collatePipelinePermissions.deploy.name,
  collateReindexRecreatePermission.name,
];
