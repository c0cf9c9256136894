import { randomBytes } from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  ensureNamespace,
  seedWorkflows,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import type { CollateIngestionStatus } from '@collate-backstage/plugin-collate-common';
import request from 'supertest';
import { collatePlugin } from './plugin';

const suffix = randomBytes(3).toString('hex');
/** 100 Collate namespaces on one cluster, each its own registered deployment with two runs. */
const NAMESPACES = Array.from(
  { length: 100 },
  (_, i) => `fleet-${suffix}-${i}`,
);

function ingestion(namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: namespace,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-origin-location': `collate-deployment:${namespace}`,
        'collate.io/component': 'ingestion',
        'collate.io/kubernetes-cluster': TEST_CLUSTER_NAME,
        'collate.io/namespace': namespace,
      },
    },
    spec: { type: 'service', owner: 'platform-team', system: namespace },
  };
}

// The status backend follows each namespace it is asked about with a watch. Watches have their own bounded pool of
// connections, so that with 100 of them open on one cluster a status request still gets a connection at once.
describe('a hundred followed namespaces on one cluster', () => {
  beforeAll(async () => {
    for (let i = 0; i < NAMESPACES.length; i += 10)
      await Promise.all(
        NAMESPACES.slice(i, i + 10).map(async ns => {
          await ensureNamespace(ns, { deployment: ns });
          await seedWorkflows(
            ns,
            [
              { name: 'ingest-a', phase: 'Succeeded' },
              { name: 'ingest-b', phase: 'Failed' },
            ],
            { stepPods: false },
          );
        }),
      );
  }, 300_000);

  afterAll(async () => {
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await Promise.all(
      NAMESPACES.map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
  });

  it('leaves a status request under a second, and says which namespaces are past the follow limit', async () => {
    const { server } = await startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({ entities: NAMESPACES.map(ingestion) }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: backstageKubernetesConfig(),
            collate: {
              status: {
                followedNamespacesPerCluster: 90,
                followedNamespaces: 200,
                // A short cache: the timed views below ask the sources again.
                cacheTtlSeconds: 1,
              },
            },
          },
        }),
      ],
    });
    const view = (ns: string) =>
      request(server).get(
        `/api/collate/entities/component/default/${ns}/status/ingestion`,
      );
    // Every namespace viewed once (cold), ten at a time: 90 followed, the last 10 read per view.
    const answers: CollateIngestionStatus[] = [];
    for (let i = 0; i < NAMESPACES.length; i += 10)
      answers.push(
        ...(await Promise.all(NAMESPACES.slice(i, i + 10).map(view))).map(r => {
          expect(r.status).toBe(200);
          return r.body as CollateIngestionStatus;
        }),
      );
    expect(answers.every(a => a.last24h?.Failed === 1)).toBe(true);
    expect(answers.filter(a => a.notFollowed).length).toBe(10);
    expect(answers[99].notFollowed?.[0]).toMatch(
      new RegExp(
        `^${TEST_CLUSTER_NAME}/${NAMESPACES[99]}: not followed: limit reached: 90 namespaces are followed on cluster ${TEST_CLUSTER_NAME}`,
      ),
    );

    // With 90 watches open, followed and unfollowed namespaces both answer at once (past the cache's second).
    await new Promise(r => setTimeout(r, 1200));
    const timed: number[] = [];
    for (const ns of [NAMESPACES[3], NAMESPACES[50], NAMESPACES[95]]) {
      const started = Date.now();
      const res = await view(ns);
      timed.push(Date.now() - started);
      expect(res.status).toBe(200);
    }
    expect(Math.max(...timed)).toBeLessThan(1000);
  }, 300_000);
});
