import type {
  COLLATE_ANNOTATIONS,
  CollateComponentKind,
} from '@collate-backstage/plugin-collate-common';

/** Each component's name: the title of its card, and its row in the overview. */
export const COMPONENT_TITLES: Record<CollateComponentKind, string> = {
  server: 'Collate server',
  argo: 'Argo Workflows',
  database: 'Collate database',
  search: 'Collate search engine',
  runner: 'Hybrid Ingestion Runner',
  ingestion: 'Ingestion workflows',
  metaflow: 'Metaflow services',
};

/** Each component in a word, where a table row has little room (the fleet page). */
export const COMPONENT_SHORT_TITLES: Record<CollateComponentKind, string> = {
  server: 'Server',
  argo: 'Argo',
  database: 'Database',
  search: 'Search',
  runner: 'Runner',
  ingestion: 'Ingestion',
  metaflow: 'Metaflow',
};

/** Each `collate.io/*` annotation as the overview's "Annotations" list names it. */
export const ANNOTATION_LABELS: Record<
  keyof typeof COLLATE_ANNOTATIONS,
  string
> = {
  component: 'Component',
  cluster: 'Kubernetes cluster',
  namespace: 'Namespace',
  serverRelease: 'Server release',
  serverUrl: 'Server URL',
  argoNamespace: 'Argo namespace',
  argoRelease: 'Argo release',
  argoServerUrl: 'Argo server URL',
  databaseEndpoint: 'Database endpoint',
  searchEndpoint: 'Search endpoint',
  runnerAgentId: 'Runner agent id',
  runnerNamespace: 'Runner namespace',
  serverChartVersion: 'Created with chart',
  ingestionLocations: 'More ingestion locations',
  azureSubscriptionId: 'Azure subscription',
  azureResourceGroup: 'Azure resource group',
  metaflowNamespace: 'Metaflow namespace',
  metaflowOrchestrator: 'Metaflow orchestrator',
  metaflowDatastore: 'Metaflow datastore',
};
