import type { CollateMetaflowService } from './types';

/** A service metaflow-tools' Azure stack deploys (guide 003), by its Deployment's name. @public */
export interface MetaflowServiceSpec {
  name: string;
  title: string;
  part: CollateMetaflowService['part'];
}

/**
 * What the Metaflow stack deploys into its cluster, by the Deployment names metaflow-tools' services module gives
 * them: Metaflow's own services always, Argo Workflows and Argo Events with `deploy_argo`, Airflow with
 * `deploy_airflow`. The status backend expects them, the card lists them in this order. @public
 */
export const METAFLOW_SERVICES: Readonly<
  Record<
    'metaflow' | 'argo-workflows' | 'airflow',
    readonly MetaflowServiceSpec[]
  >
> = {
  metaflow: [
    { name: 'metadata-service', title: 'Metadata service', part: 'metaflow' },
    {
      name: 'metaflow-ui-backend-service',
      title: 'UI backend',
      part: 'metaflow',
    },
    {
      name: 'metaflow-ui-static-service',
      title: 'UI (static)',
      part: 'metaflow',
    },
  ],
  'argo-workflows': [
    { name: 'argo-server', title: 'Argo server', part: 'argo-workflows' },
    {
      name: 'workflow-controller',
      title: 'Workflow controller',
      part: 'argo-workflows',
    },
    {
      name: 'argo-events-controller-manager',
      title: 'Argo Events controller',
      part: 'argo-events',
    },
  ],
  airflow: [
    { name: 'airflow-scheduler', title: 'Airflow scheduler', part: 'airflow' },
    { name: 'airflow-webserver', title: 'Airflow webserver', part: 'airflow' },
  ],
};

/** The services a stack with this orchestrator has (unknown orchestrators: Metaflow's own only). @public */
export function metaflowServicesFor(
  orchestrator: string | undefined,
): readonly MetaflowServiceSpec[] {
  const extra =
    orchestrator === 'argo-workflows' || orchestrator === 'airflow'
      ? METAFLOW_SERVICES[orchestrator]
      : [];
  return [...METAFLOW_SERVICES.metaflow, ...extra];
}

/** The version an image's tag names: `…/metaflow_ui:v1.1.4` → `1.1.4`; undefined for `latest` or no tag. @public */
export function imageTagVersion(image: string | undefined): string | undefined {
  const tag = image?.split('@')[0].split('/').pop()?.split(':')[1];
  const version = tag?.replace(/^v(?=\d)/, '');
  return version && /^\d/.test(version) ? version : undefined;
}
