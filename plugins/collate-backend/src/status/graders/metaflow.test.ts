import type { Entity } from '@backstage/catalog-model';
import type { StatusSources } from '../sources';
import * as fx from '../__testUtils__/statusFixtures';

/** A Metaflow stack's System as the metaflow-azure template registers it. */
const stack = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'metaflow',
    annotations: {
      'collate.io/component': 'metaflow',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/metaflow-namespace': 'aks-acme-metaflow-default',
      'collate.io/metaflow-orchestrator': 'argo-workflows',
      'collate.io/metaflow-datastore':
        'https://stacmemetaflowdefault.blob.core.windows.net/metaflow-storage-container',
      ...annotations,
    },
  },
});

/** The stack's Deployments as the real services module creates them. */
const deployments = (ready: Record<string, number> = {}) => {
  const image = (name: string) =>
    ({
      'metaflow-ui-static-service':
        'public.ecr.aws/outerbounds/metaflow_ui:v1.1.4',
      'argo-server': 'quay.io/argoproj/argocli:v3.7.1',
      'workflow-controller': 'quay.io/argoproj/workflow-controller:v3.7.1',
      'argo-events-controller-manager': 'quay.io/argoproj/argo-events:v1.9.6',
    }[name] ?? 'public.ecr.aws/outerbounds/metaflow_metadata_service:2.3.3');
  return [
    'metadata-service',
    'metaflow-ui-backend-service',
    'metaflow-ui-static-service',
    'argo-server',
    'workflow-controller',
    'argo-events-controller-manager',
  ].map(name => ({
    ...fx.deployment(
      name,
      { app: name },
      ready[name] ?? 1,
      name === 'metadata-service' ? ['db-migrations'] : [],
    ),
    image: image(name),
  }));
};

const metaflowOf = async (
  overrides: Partial<StatusSources>,
  entity = stack(),
  config: object = {},
) => {
  const { impl, calls } = fx.sources({
    deployments: async () => deployments(),
    ...overrides,
  });
  const [status] = await fx.service(impl, config).status(entity, ['metaflow']);
  return { status: status as any, calls };
};

describe('gradeMetaflow', () => {
  it("shows each service of the stack with its pods, version and the metadata service's migrations, and the datastore reachable", async () => {
    const { status, calls } = await metaflowOf({});
    expect(status).toMatchObject({
      component: 'metaflow',
      health: 'healthy',
      namespace: 'aks-acme-metaflow-default',
      orchestrator: 'argo-workflows',
      datastore: {
        reachable: true,
        answer: { status: 404, errorCode: 'ResourceNotFound' },
        health: 'healthy',
      },
    });
    expect(
      status.services.map((s: any) => [
        s.name,
        s.part,
        s.health,
        s.version,
        s.migrations,
      ]),
    ).toEqual([
      ['metadata-service', 'metaflow', 'healthy', '2.3.3', 'done'],
      [
        'metaflow-ui-backend-service',
        'metaflow',
        'healthy',
        '2.3.3',
        undefined,
      ],
      ['metaflow-ui-static-service', 'metaflow', 'healthy', '1.1.4', undefined],
      ['argo-server', 'argo-workflows', 'healthy', '3.7.1', undefined],
      ['workflow-controller', 'argo-workflows', 'healthy', '3.7.1', undefined],
      [
        'argo-events-controller-manager',
        'argo-events',
        'healthy',
        '1.9.6',
        undefined,
      ],
    ]);
    // The probe of the container, nothing else of Azure Storage.
    expect(calls).toContain(
      'blob https://stacmemetaflowdefault.blob.core.windows.net/metaflow-storage-container',
    );
  });

  it('is unhealthy with a service missing or not ready, and says which; migrations are pending until a pod is ready', async () => {
    const { status } = await metaflowOf({
      deployments: async () =>
        deployments({ 'metadata-service': 0 }).filter(
          d => d.name !== 'argo-server',
        ),
    });
    expect(status.health).toBe('unhealthy');
    expect(status.reason).toContain('Metadata service: 0 of 1 pods ready');
    expect(status.reason).toContain(
      'Argo server: no Deployment argo-server in namespace aks-acme-metaflow-default',
    );
    expect(status.services[0]).toMatchObject({
      health: 'unhealthy',
      migrations: 'pending',
    });
    expect(status.services[3]).toEqual({
      name: 'argo-server',
      title: 'Argo server',
      part: 'argo-workflows',
      health: 'unhealthy',
    });
  });

  it("expects Airflow's services with deploy_airflow, and only Metaflow's own without an orchestrator", async () => {
    const airflow = await metaflowOf(
      {},
      stack({ 'collate.io/metaflow-orchestrator': 'airflow' }),
    );
    expect(airflow.status.services.map((s: any) => s.name)).toEqual([
      'metadata-service',
      'metaflow-ui-backend-service',
      'metaflow-ui-static-service',
      'airflow-scheduler',
      'airflow-webserver',
    ]);
    expect(airflow.status.health).toBe('unhealthy');
    const none = await metaflowOf(
      {},
      stack({ 'collate.io/metaflow-orchestrator': 'none' }),
    );
    expect(none.status.services).toHaveLength(3);
    expect(none.status.health).toBe('healthy');
  });

  it('never probes a host collate.status.storageHosts does not allow, and says whom to ask', async () => {
    const { status, calls } = await metaflowOf(
      {},
      stack({
        'collate.io/metaflow-datastore':
          'http://169.254.169.254/metadata/instance',
      }),
    );
    expect(calls.filter(c => c.startsWith('blob'))).toEqual([]);
    expect(status.datastore).toMatchObject({
      reachable: false,
      health: 'unknown',
      error:
        '169.254.169.254 is not a storage host this portal probes: ask its operators to add it to collate.status.storageHosts',
    });
    // Allowed by the operators: probed.
    const allowed = await metaflowOf(
      {},
      stack({
        'collate.io/metaflow-datastore': 'https://127.0.0.1:10001/acct/c',
      }),
      { status: { storageHosts: ['127.0.0.1:10001'] } },
    );
    expect(allowed.calls).toContain('blob https://127.0.0.1:10001/acct/c');
  });

  it('is unhealthy when the datastore does not answer, or answers but not as Azure Storage', async () => {
    const down = await metaflowOf({
      blobContainer: async () => {
        throw new Error(
          'stacmemetaflowdefault.blob.core.windows.net did not answer (fetch failed: ENOTFOUND)',
        );
      },
    });
    expect(down.status.health).toBe('unhealthy');
    expect(down.status.datastore).toMatchObject({
      reachable: false,
      health: 'unhealthy',
    });
    expect(down.status.reason).toContain('Datastore unreachable');
    const other = await metaflowOf({
      blobContainer: async () => ({ status: 200, fromStorage: false }),
    });
    expect(other.status.datastore.error).toBe(
      'stacmemetaflowdefault.blob.core.windows.net answered HTTP 200, but not as Azure Storage',
    );
  });

  it('says the orchestrator annotation is wrong rather than guessing', async () => {
    const { status } = await metaflowOf(
      {},
      stack({ 'collate.io/metaflow-orchestrator': 'kubeflow' }),
    );
    expect(status.reason).toContain(
      "collate.io/metaflow-orchestrator 'kubeflow' is not one of argo-workflows, airflow, none",
    );
    expect(status.services).toHaveLength(3);
  });
});
