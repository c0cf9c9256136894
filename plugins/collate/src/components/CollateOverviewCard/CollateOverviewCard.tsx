import {
  useEntity,
  MissingAnnotationEmptyState,
} from '@backstage/plugin-catalog-react';
import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import {
  COLLATE_ANNOTATIONS,
  readCollateAnnotations,
} from '@internal/backstage-plugin-collate-common';

const LABELS: Record<keyof typeof COLLATE_ANNOTATIONS, string> = {
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
};

/**
 * Shows where a Collate deployment runs, as the entity's annotations describe it.
 * Live status arrives with the status backend.
 */
export const CollateOverviewCard = () => {
  const { entity } = useEntity();
  const annotations = readCollateAnnotations(entity);

  if (!annotations.component) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          COLLATE_ANNOTATIONS.component,
          COLLATE_ANNOTATIONS.cluster,
        ]}
      />
    );
  }

  const metadata = Object.fromEntries(
    (Object.keys(LABELS) as Array<keyof typeof LABELS>)
      .filter(key => annotations[key])
      .map(key => [LABELS[key], annotations[key]]),
  );

  return (
    <InfoCard
      title="Collate deployment"
      subheader={entity.metadata.title ?? entity.metadata.name}
    >
      <StructuredMetadataTable metadata={metadata} />
    </InfoCard>
  );
};
