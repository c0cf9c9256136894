/**
 * Catalog annotations written by the Collate templates and read by the status cards and backend.
 *
 * One place defines them so the templates, the backend and the frontend can never disagree.
 */

/** Prefix shared by every Collate annotation. @public */
export const COLLATE_ANNOTATION_PREFIX = 'collate.io';

/** @public */
export const COLLATE_ANNOTATIONS = {
  /** Which part of a Collate deployment the entity is: see {@link CollateComponentKind}. */
  component: `${COLLATE_ANNOTATION_PREFIX}/component`,
  /** Cluster name as configured under `kubernetes.clusterLocatorMethods` in the backend. */
  cluster: `${COLLATE_ANNOTATION_PREFIX}/kubernetes-cluster`,
  /** Namespace the Collate server (and its ingestion workflows) run in, e.g. `collate`. */
  namespace: `${COLLATE_ANNOTATION_PREFIX}/namespace`,
  /** Helm release name of the Collate server, e.g. `openmetadata`. */
  serverRelease: `${COLLATE_ANNOTATION_PREFIX}/server-release`,
  /** Base URL of the Collate server, e.g. `http://openmetadata.collate:8585`. */
  serverUrl: `${COLLATE_ANNOTATION_PREFIX}/server-url`,
  /** Namespace Argo Workflows is installed in, e.g. `argo-workflows`. */
  argoNamespace: `${COLLATE_ANNOTATION_PREFIX}/argo-namespace`,
  /** Helm release name of Argo Workflows, e.g. `argo-workflows`. */
  argoRelease: `${COLLATE_ANNOTATION_PREFIX}/argo-release`,
  /** Argo server URL, e.g. `http://argo-workflows-server.argo-workflows:2746`. */
  argoServerUrl: `${COLLATE_ANNOTATION_PREFIX}/argo-server-url`,
  /** Database endpoint as configured for Collate, `host:port`. */
  databaseEndpoint: `${COLLATE_ANNOTATION_PREFIX}/database-endpoint`,
  /** Search engine endpoint as configured for Collate, `scheme://host:port`. */
  searchEndpoint: `${COLLATE_ANNOTATION_PREFIX}/search-endpoint`,
  /** Hybrid Ingestion Runner agent id (guide 002's `agentId`). */
  runnerAgentId: `${COLLATE_ANNOTATION_PREFIX}/runner-agent-id`,
  /** Namespace the Hybrid Ingestion Runner is installed in. */
  runnerNamespace: `${COLLATE_ANNOTATION_PREFIX}/runner-namespace`,
  /**
   * More places the entity's ingestion workflows run, besides `kubernetes-cluster` / `namespace` /
   * `argo-server-url` (e.g. a Hybrid Runner's cluster): entries `cluster/namespace=argoServerUrl` (or
   * `cluster/namespace`), separated by commas or spaces.
   */
  ingestionLocations: `${COLLATE_ANNOTATION_PREFIX}/ingestion-locations`,
  /** The openmetadata chart version the server was deployed with, e.g. `1.12.3` (drift is shown against it). */
  serverChartVersion: `${COLLATE_ANNOTATION_PREFIX}/server-chart-version`,
  /** The Azure subscription of the deployment's identities and storage (Azure topologies). */
  azureSubscriptionId: `${COLLATE_ANNOTATION_PREFIX}/azure-subscription-id`,
  /** The resource group of the deployment's identities and storage (Azure topologies). */
  azureResourceGroup: `${COLLATE_ANNOTATION_PREFIX}/azure-resource-group`,
  /** Metaflow on Azure (guide 003): the namespace its services run in, in `kubernetes-cluster`. */
  metaflowNamespace: `${COLLATE_ANNOTATION_PREFIX}/metaflow-namespace`,
  /** Metaflow's orchestrator, as the stack deployed it: `argo-workflows`, `airflow` or `none`. */
  metaflowOrchestrator: `${COLLATE_ANNOTATION_PREFIX}/metaflow-orchestrator`,
  /** Metaflow's datastore: the storage container's URL (`<blob endpoint><container>`), whose reachability is shown. */
  metaflowDatastore: `${COLLATE_ANNOTATION_PREFIX}/metaflow-datastore`,
} as const;

/** @public */
export type CollateAnnotation =
  (typeof COLLATE_ANNOTATIONS)[keyof typeof COLLATE_ANNOTATIONS];

/** The parts of a Collate deployment that have a status card. @public */
export const COLLATE_COMPONENT_KINDS = [
  'server',
  'argo',
  'database',
  'search',
  'runner',
  'ingestion',
  'metaflow',
] as const;

/** @public */
export type CollateComponentKind = (typeof COLLATE_COMPONENT_KINDS)[number];

/** @public */
export function isCollateComponentKind(
  value: unknown,
): value is CollateComponentKind {
  return (
    typeof value === 'string' &&
    (COLLATE_COMPONENT_KINDS as readonly string[]).includes(value)
  );
}

/** Minimal entity shape, so this package does not depend on the catalog model. @public */
export type AnnotatedEntity = {
  kind?: string;
  metadata: { annotations?: Record<string, string> };
};

/**
 * Reads every Collate annotation an entity carries. Unknown or empty values are left out.
 * @public
 */
export function readCollateAnnotations(
  entity: AnnotatedEntity,
): Partial<Record<keyof typeof COLLATE_ANNOTATIONS, string>> {
  const annotations = entity.metadata.annotations ?? {};
  const result: Partial<Record<keyof typeof COLLATE_ANNOTATIONS, string>> = {};
  for (const [key, name] of Object.entries(COLLATE_ANNOTATIONS) as Array<
    [keyof typeof COLLATE_ANNOTATIONS, string]
  >) {
    const value = annotations[name]?.trim();
    if (value) {
      result[key] = value;
    }
  }
  return result;
}

/** One place an entity's ingestion workflows run: a cluster, a namespace, and the Argo server there. @public */
export interface CollateIngestionLocation {
  cluster: string;
  namespace: string;
  argoServerUrl?: string;
}

const LOCATION =
  /^([^/=\s]+)\/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(?:=(\S+))?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The most places one entity's ingestion workflows are followed in: each is a watch the backend keeps, so an entity
 * cannot make it follow a whole cluster. @public
 */
export const COLLATE_MAX_INGESTION_LOCATIONS = 20;

/**
 * Every place an entity's ingestion workflows run: first the one of its `kubernetes-cluster`, `namespace` and
 * `argo-server-url` annotations, then each entry of `ingestion-locations` (duplicates dropped), at most
 * {@link COLLATE_MAX_INGESTION_LOCATIONS}. `invalid` lists entries that are not `cluster/namespace[=argoServerUrl]`
 * (a namespace is a DNS label), `overLimit` those past the limit.
 * @public
 */
export function readIngestionLocations(entity: AnnotatedEntity): {
  locations: CollateIngestionLocation[];
  invalid: string[];
  overLimit: string[];
} {
  const a = readCollateAnnotations(entity);
  const locations: CollateIngestionLocation[] = [];
  const overLimit: string[] = [];
  const add = (l: CollateIngestionLocation) => {
    if (
      locations.some(
        x => x.cluster === l.cluster && x.namespace === l.namespace,
      )
    )
      return;
    if (locations.length >= COLLATE_MAX_INGESTION_LOCATIONS)
      overLimit.push(`${l.cluster}/${l.namespace}`);
    else locations.push(l);
  };
  const invalid: string[] = [];
  if (a.cluster && a.namespace && !DNS_LABEL.test(a.namespace))
    invalid.push(`${a.cluster}/${a.namespace}`);
  else if (a.cluster && a.namespace)
    add({
      cluster: a.cluster,
      namespace: a.namespace,
      ...(a.argoServerUrl ? { argoServerUrl: a.argoServerUrl } : {}),
    });
  for (const entry of (a.ingestionLocations ?? '').split(/[,\s]+/)) {
    if (!entry) continue;
    const m = LOCATION.exec(entry);
    if (!m) {
      invalid.push(entry);
      continue;
    }
    add({
      cluster: m[1],
      namespace: m[2],
      ...(m[4] ? { argoServerUrl: m[4] } : {}),
    });
  }
  return { locations, invalid, overLimit };
}

/**
 * Whether an entity has what the status cards need: a Collate component kind and a cluster or server URL.
 * @public
 */
export function isCollateEntity(entity: AnnotatedEntity): boolean {
  const a = readCollateAnnotations(entity);
  return (
    isCollateComponentKind(a.component) && Boolean(a.cluster || a.serverUrl)
  );
}

/**
 * Which annotations describe each component: any one of the alternatives, each a set of annotations that together
 * suffice (a URL the backend calls, or a cluster and a name it looks up there). The status backend decides which
 * components an entity shows from it, and a card tells what to add from it. @public
 */
export const COLLATE_COMPONENT_REQUIREMENTS: Readonly<
  Record<
    CollateComponentKind,
    ReadonlyArray<ReadonlyArray<keyof typeof COLLATE_ANNOTATIONS>>
  >
> = {
  server: [['serverUrl'], ['cluster', 'serverRelease']],
  argo: [['argoServerUrl'], ['cluster', 'argoNamespace']],
  database: [['serverUrl'], ['databaseEndpoint']],
  search: [['serverUrl'], ['searchEndpoint']],
  runner: [['runnerAgentId']],
  ingestion: [['serverUrl'], ['cluster', 'namespace']],
  metaflow: [['cluster', 'metaflowNamespace']],
};

/** The annotations that can describe a component (every alternative's), for an empty state that says what to add. @public */
export function collateAnnotationsFor(kind: CollateComponentKind): string[] {
  return [
    ...new Set(
      COLLATE_COMPONENT_REQUIREMENTS[kind]
        .flat()
        .map(k => COLLATE_ANNOTATIONS[k]),
    ),
  ];
}

const describes = (
  kind: CollateComponentKind,
  a: Partial<Record<keyof typeof COLLATE_ANNOTATIONS, string>>,
) => COLLATE_COMPONENT_REQUIREMENTS[kind].some(all => all.every(k => a[k]));

/**
 * The components whose status an entity shows: a System shows every component its annotations describe, any
 * other entity the one its `collate.io/component` names.
 * @public
 */
export function collateComponentsOf(
  entity: AnnotatedEntity,
): CollateComponentKind[] {
  const a = readCollateAnnotations(entity);
  if (!isCollateComponentKind(a.component)) return [];
  if (entity.kind?.toLocaleLowerCase('en-US') === 'system') {
    return COLLATE_COMPONENT_KINDS.filter(kind => describes(kind, a));
  }
  return describes(a.component, a) ? [a.component] : [];
}

/**
 * How the ECR pull secrets the plugin set keeps fresh are marked (`collate:aws:ecr:pull-secret` writes them, the
 * status backend reads them): a managed-by label, the registry label, and when the token expires. @public
 */
export const COLLATE_PULL_SECRET_MARKS = {
  managedByLabel: 'app.kubernetes.io/managed-by',
  managedBy: 'backstage-collate',
  registryLabel: `${COLLATE_ANNOTATION_PREFIX}/ecr-registry`,
  expiresAtAnnotation: `${COLLATE_ANNOTATION_PREFIX}/ecr-token-expires-at`,
} as const;

/**
 * The ids of every scaffolder action of the Collate module: what a permission policy keeps to deployers (the
 * scaffolder's `scaffolder.action.execute`, conditional on the action id). @public
 */
export const COLLATE_ACTION_IDS = [
  'collate:argo:install',
  'collate:aws:ecr:pull-secret',
  'collate:aws:eks:delete-oidc-provider',
  'collate:aws:eks:oidc-provider',
  'collate:aws:iam:delete-roles',
  'collate:aws:iam:service-account-role',
  'collate:aws:s3:delete-bucket',
  'collate:aws:s3:ensure-bucket',
  'collate:azure:aks:workload-identity',
  'collate:azure:identity:create',
  'collate:azure:identity:delete',
  'collate:azure:identity:federate',
  'collate:azure:role:assign',
  'collate:azure:role:delete-assignments',
  'collate:azure:storage:delete',
  'collate:azure:storage:ensure',
  'collate:catalog:annotate',
  'collate:catalog:register',
  'collate:catalog:unregister',
  'collate:deploy',
  'collate:helm:uninstall',
  'collate:kubernetes:apply',
  'collate:kubernetes:delete',
  'collate:kubernetes:prepare',
  'collate:preflight',
  'collate:reindex',
  'collate:runner:register',
  'collate:terraform:apply',
  'collate:upgrade',
] as const;
