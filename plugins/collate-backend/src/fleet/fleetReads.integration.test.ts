import { randomBytes } from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  ensureNamespace,
  seedWorkflows,
  startCountingProxy,
  testEnv,
  TEST_CLUSTER_NAME,
  type CountingProxy,
} from '@internal/testenv';
import type {
  CollateEntityStatus,
  CollateFleet,
  CollateIngestionStatus,
} from '@collate-backstage/plugin-collate-common';
import request from 'supertest';
import { collatePlugin } from '../plugin';

// A fleet row shows a deployment's health, its failed runs of the last 24 h and how many of its runs look stale: of
// its newest runs only those still going are read in detail (one request each), not the finished ones its System tab
// lists. Counted at the API server, through a counting proxy.

const NAMESPACE = `fleet-reads-${randomBytes(3).toString('hex')}`;
const FINISHED = ['ingest-1', 'ingest-2', 'ingest-3', 'ingest-4', 'ingest-5'];

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: NAMESPACE,
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-origin-location': `collate-deployment:${NAMESPACE}`,
      'collate.io/component': 'ingestion',
      'collate.io/kubernetes-cluster': TEST_CLUSTER_NAME,
      'collate.io/namespace': NAMESPACE,
    },
  },
  spec: { owner: 'platform-team' },
};

/** The names of the single workflows the API server was asked for (GET …/workflows/<name>). */
const runsAskedFor = (proxy: CountingProxy) =>
  proxy.requests
    .map(r => r.path.match(/\/workflows\/([^/?]+)/)?.[1])
    .filter((name): name is string => Boolean(name))
    .sort();

describe('the fleet row', () => {
  let proxy: CountingProxy;

  beforeAll(async () => {
    await ensureNamespace(NAMESPACE, { deployment: NAMESPACE });
    await seedWorkflows(
      NAMESPACE,
      [
        ...FINISHED.map((name, i) => ({
          name,
          phase: i === 1 ? ('Failed' as const) : ('Succeeded' as const),
          startedSecondsAgo: 600 * (i + 2),
        })),
        // Argo says its step runs, but the step's pod is gone: stale.
        {
          name: 'ingest-running',
          phase: 'Running' as const,
          startedSecondsAgo: 300,
          // A Steps node and its one Pod step.
          nodes: 2,
          podsGone: true,
        },
      ],
      { stepPods: false },
    );
    proxy = await startCountingProxy({
      target: testEnv.kubernetes().url,
      targetCaFile: testEnv.kubernetes().caFile,
    });
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  it('reads only the runs still going in detail; the System tab then reads the finished ones it lists', async () => {
    const { server } = await startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({ entities: [system] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: TEST_CLUSTER_NAME,
                      url: proxy.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: testEnv.kubernetes().backstageToken,
                      caData: Buffer.from(proxy.caPem).toString('base64'),
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });

    const fleet = await request(server).get('/api/collate/fleet');
    expect(fleet.status).toBe(200);
    const [row] = (fleet.body as CollateFleet).deployments;
    expect(row).toMatchObject({
      entityRef: `system:default/${NAMESPACE}`,
      failedRuns24h: 1,
      staleRuns: 1,
      health: 'degraded',
    });
    expect(runsAskedFor(proxy)).toEqual(['ingest-running']);

    proxy.reset();
    const tab = await request(server).get(
      `/api/collate/entities/system/default/${NAMESPACE}/status`,
    );
    expect(tab.status).toBe(200);
    const ingestion = (tab.body as CollateEntityStatus).components.find(
      c => c.component === 'ingestion',
    ) as CollateIngestionStatus;
    expect(ingestion.runs?.map(r => r.name).sort()).toEqual(
      [...FINISHED, 'ingest-running'].sort(),
    );
    expect(ingestion.runs?.find(r => r.name === 'ingest-running')?.stale).toBe(
      'Argo says step step-1 is Running, but its pod is gone',
    );
    // The running one was read within the last 10 s: only the finished ones are new.
    expect(runsAskedFor(proxy)).toEqual(FINISHED);
  });
});
