import { randomBytes } from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  ensureNamespace,
  seedArchivedRuns,
  seedWorkflows,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import type { CollateRunHistory } from '@collate-backstage/plugin-collate-common';
import request from 'supertest';
import { collatePlugin } from './plugin';
import { listArchivedRuns } from './sources/argoArchive';

const suffix = randomBytes(3).toString('hex');
const NS = `history-${suffix}`;
const ARGO_URL = `http://argo-workflows-server.argo-${suffix}:2746`;
const DAY = 86_400;
const today = new Date().toISOString().slice(0, 10);
/** Seconds before now of an hour on the UTC day `daysAgo` before today. */
const ago = (daysAgo: number, hour: number) =>
  Math.round(
    (Date.now() - Date.parse(`${today}T00:00:00Z`)) / 1000 +
      daysAgo * DAY -
      hour * 3600,
  );

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'history-it',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-origin-location':
        'collate-deployment:history-it',
      'collate.io/component': 'ingestion',
      'collate.io/kubernetes-cluster': TEST_CLUSTER_NAME,
      'collate.io/namespace': NS,
      'collate.io/argo-server-url': ARGO_URL,
    },
  },
  spec: { owner: 'platform-team' },
};

describe("ingestion history from Argo's workflow archive", () => {
  beforeAll(async () => {
    await ensureNamespace(NS, { deployment: 'history-it' });
    // Ten days ago: 3 runs (one failed), 5 days ago: 2 runs (one errored), both only in the archive; today one live
    // run that is still running (not finished: not in the history) and one archived today.
    await seedArchivedRuns(NS, [
      {
        name: 'orders-a',
        phase: 'Succeeded',
        startedSecondsAgo: ago(10, 2),
        durationSeconds: 60,
      },
      {
        name: 'orders-b',
        phase: 'Succeeded',
        startedSecondsAgo: ago(10, 4),
        durationSeconds: 300,
      },
      {
        name: 'orders-c',
        phase: 'Failed',
        startedSecondsAgo: ago(10, 6),
        durationSeconds: 120,
      },
      {
        name: 'orders-d',
        phase: 'Succeeded',
        startedSecondsAgo: ago(5, 1),
        durationSeconds: 40,
      },
      {
        name: 'orders-e',
        phase: 'Error',
        startedSecondsAgo: ago(5, 3),
        durationSeconds: 20,
      },
      // Outside a 14-day window.
      {
        name: 'orders-old',
        phase: 'Succeeded',
        startedSecondsAgo: ago(20, 1),
        durationSeconds: 10,
      },
    ]);
    await seedWorkflows(NS, [
      { name: 'orders-now', phase: 'Running', startedSecondsAgo: 30 },
    ]);
  }, 180_000);

  afterAll(async () => {
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NS })
      .catch(() => undefined);
  });

  function backend(argo: object[], status: object = {}) {
    return startTestBackend({
      features: [
        collatePlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: backstageKubernetesConfig(),
            collate: { argo: { servers: argo }, status },
          },
        }),
      ],
    });
  }

  it('charts 14 days of outcomes and durations from runs that remain only in the archive', async () => {
    const { server } = await backend([
      { url: ARGO_URL, baseUrl: testEnv.argoUrl() },
    ]);
    const res = await request(server).get(
      '/api/collate/entities/system/default/history-it/history',
    );
    expect(res.status).toBe(200);
    const body = res.body as CollateRunHistory;
    expect(body.days).toHaveLength(14);
    expect(body.days[13].date).toBe(today);
    const tenDaysAgo = body.days[3];
    const fiveDaysAgo = body.days[8];
    expect(tenDaysAgo).toEqual({
      date: tenDaysAgo.date,
      succeeded: 2,
      failed: 1,
      medianDurationSeconds: 120,
      maxDurationSeconds: 300,
    });
    expect(fiveDaysAgo).toEqual({
      date: fiveDaysAgo.date,
      succeeded: 1,
      failed: 1,
      medianDurationSeconds: 30,
      maxDurationSeconds: 40,
    });
    const others = body.days.filter((_, i) => i !== 3 && i !== 8);
    expect(others.every(d => d.succeeded === 0 && d.failed === 0)).toBe(true);
    expect(body.sources).toEqual([
      { location: `${TEST_CLUSTER_NAME}/${NS}`, source: 'archive', runs: 5 },
    ]);

    // A 7-day window leaves the 10-day-old runs out, and the archive is asked for that window only.
    const week = await request(server).get(
      '/api/collate/entities/system/default/history-it/history?days=7',
    );
    expect(week.body.days).toHaveLength(7);
    expect(week.body.sources[0].runs).toBe(2);
  });

  it('reads the archive up to its cap, and says the oldest runs were left out', async () => {
    const { server } = await backend([
      { url: ARGO_URL, baseUrl: testEnv.argoUrl() },
    ]);
    // A cap under the run count: the archive is read up to it, and the answer says so.
    const capped = await backend(
      [{ url: ARGO_URL, baseUrl: testEnv.argoUrl() }],
      { history: { maxRunsPerLocation: 3 } },
    );
    const all = await request(server).get(
      '/api/collate/entities/system/default/history-it/history',
    );
    const res = await request(capped.server).get(
      '/api/collate/entities/system/default/history-it/history',
    );
    expect(all.body.sources[0].runs).toBe(5);
    expect(res.body.sources[0]).toMatchObject({ source: 'archive', runs: 3 });
    expect(res.body.sources[0].note).toMatch(/^More than 3 runs/);
  });

  it('pages through the archive with the offset Argo returns', async () => {
    const since = new Date(Date.now() - 14 * DAY * 1000);
    const { runs, truncated } = await listArchivedRuns(
      { url: ARGO_URL, baseUrl: testEnv.argoUrl(), uiUrl: ARGO_URL },
      NS,
      since,
      AbortSignal.timeout(10_000),
      { pageSize: 2 },
    );
    expect(truncated).toBe(false);
    expect(runs.map(r => r.name).sort()).toEqual([
      'orders-a',
      'orders-b',
      'orders-c',
      'orders-d',
      'orders-e',
    ]);
  });

  it('counts the live workflows, and says why, when the Argo server is not configured', async () => {
    const { server } = await backend([]);
    const res = await request(server).get(
      '/api/collate/entities/system/default/history-it/history?days=3',
    );
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual([
      {
        location: `${TEST_CLUSTER_NAME}/${NS}`,
        source: 'live',
        runs: 0,
        note: `${ARGO_URL} is not configured under collate.argo.servers: live workflows counted, without durations`,
      },
    ]);
  });

  it('refuses a days value outside 1 to 14 before reading anything', async () => {
    const { server } = await backend([]);
    const res = await request(server).get(
      '/api/collate/entities/system/default/history-it/history?days=30',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Invalid query 'days': a whole number of days from 1 to 14",
    );
  });
});
