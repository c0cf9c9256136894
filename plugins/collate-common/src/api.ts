import type { CollatePipelineOperation } from './permissions';

/* The answers of the backend's routes other than status, and of the catalog module's deployment routes. */

/** Response of the backend's health route. @public */
export interface CollateBackendHealth {
  status: 'ok';
}

/**
 * A cluster of the Kubernetes plugin configuration and how it authenticates: for `oidc`, `aks` and `google` the
 * signed-in user's own token has to be sent with a status request.
 *
 * @public
 */
export interface CollateClusterAuth {
  name: string;
  authProvider: string;
  oidcTokenProvider?: string;
  clientSide: boolean;
}

/**
 * Response of the backend's `GET /access/deploy`: whether the signed-in user may run the Collate templates (the
 * scaffolder's `scaffolder.action.execute` for every Collate action), so the portal can say so before a task starts.
 * @public
 */
export interface CollateDeployAccess {
  allowed: boolean;
  /** The Collate actions the permission policy refuses them. */
  refusedActions: string[];
  /** Who may (`collate.permissions.deployers`), to tell the user whom to ask. */
  deployers: string[];
}

/** Response of the backend's `GET /clusters`. @public */
export interface CollateClusters {
  clusters: CollateClusterAuth[];
}

/**
 * What registering a deployment's entities in the catalog did, or on a dry run would do
 * (`PUT /api/catalog/collate/deployments/:name`).
 *
 * @public
 */
export interface RegisterDeploymentResult {
  name: string;
  /** `create`, `update` or `unchanged`. */
  action: 'create' | 'update' | 'unchanged';
  entityRefs: string[];
  /** Entities of an earlier registration that are no longer part of the deployment. */
  removedEntityRefs: string[];
}

/**
 * What setting annotations on a registered deployment's entities did, or on a dry run would do
 * (`PATCH /api/catalog/collate/deployments/:name`).
 *
 * @public
 */
export interface AnnotateDeploymentResult {
  name: string;
  /** `update` when an entity's annotations change, else `unchanged`. */
  action: 'update' | 'unchanged';
  /** The entities whose annotations change. */
  entityRefs: string[];
}

/**
 * What removing a deployment's entities from the catalog did, or on a dry run would do
 * (`DELETE /api/catalog/collate/deployments/:name`).
 *
 * @public
 */
export interface UnregisterDeploymentResult {
  name: string;
  /** False when no deployment of that name was registered (nothing to do). */
  existed: boolean;
  removedEntityRefs: string[];
}

/** Answer of the backend's pipeline operation route: Collate's pipeline service client response. @public */
export interface CollatePipelineOperationResult {
  pipelineId: string;
  operation: CollatePipelineOperation;
  /** Collate's words, e.g. "Workflow [warehouse_metadata] has been triggered". */
  reason?: string;
}

/** Answer of the backend's workflow operation route. @public */
export interface CollateWorkflowOperationResult {
  /** The workflow operated on, or for `resubmit` the new one. */
  workflow: string;
  namespace: string;
  /** Its phase right after the operation, as Argo answered. */
  phase?: string;
}
