// Benchmark of the Collate status route against Backstage's own Kubernetes backend, on the same entity and the same
// data, in the same process and the same backend (scripts/bench status).
//
// Data: Argo Workflows (with a realistic status) in one namespace of the local API server, 1,000 and 10,000 of them.
// Both backends reach the API server through a counting HTTPS proxy, so the upstream requests of each page view
// are counted, not estimated.
//   - cold: a fresh backend (no cache, no workflow index, no connection to the cluster) answering its first status
//     view once it has answered one request of any kind (see warmFramework), after one such view per size not
//     counted, which also opens the counting proxy's connections;
//   - warm: later views, with the cache and the workflow index in place.
// Backstage's Kubernetes backend has no cache: every view is the same for it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  ensureNamespace,
  seedWorkflows,
  startCountingProxy,
  testEnv,
  type CountingProxy,
} from '@internal/testenv';
import { stringify } from 'yaml';
import {
  benchPortalConfig,
  percentile,
  startPortalBackend,
  timed,
  timeline,
  warmFramework,
} from './lib';

const PORT = 17007;
const BASE = `http://localhost:${PORT}`;
const SIZES = [1000, 10000];
// A p95 of ten samples is their largest one: thirty cold views and twenty of Backstage's Kubernetes backend give the
// p95 one outlier cannot set alone on a machine whose two cores the API servers share.
const COLD_SAMPLES = 30;
const WARM_SAMPLES = 200;
const K8S_SAMPLES = 20;

const entityName = (size: number) => `collate-bench-${size}`;
const namespaceOf = (size: number) => `bench-workflows-${size}`;

function catalogFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'collate-bench-'));
  const file = join(dir, 'catalog-info.yaml');
  const docs = SIZES.map(size => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: entityName(size),
      annotations: {
        // Set by the catalog for what the Collate actions registered.

        'backstage.io/managed-by-origin-location': 'collate-deployment:bench',
        'collate.io/component': 'ingestion',
        'collate.io/kubernetes-cluster': 'bench',
        'collate.io/namespace': namespaceOf(size),
        'backstage.io/kubernetes-id': entityName(size),
        'backstage.io/kubernetes-namespace': namespaceOf(size),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
  }));
  writeFileSync(file, docs.map(d => stringify(d)).join('---\n'));
  return file;
}

function config(proxy: CountingProxy, catalog: string) {
  return benchPortalConfig({
    base: BASE,
    port: PORT,
    kinds: ['Component'],
    catalog,
    clusters: [
      { name: 'bench', proxy, token: testEnv.kubernetes().backstageToken },
    ],
  });
}

function startBackend(data: object) {
  return startPortalBackend(
    BASE,
    data,
    SIZES.map(size => `component:default/${entityName(size)}`),
  );
}

/** Seeds `size` workflows in the namespace unless they are there already (reruns reuse them). */
async function ensureWorkflows(size: number) {
  const namespace = namespaceOf(size);
  await ensureNamespace(namespace);
  const api = adminKubeConfig().makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace,
    plural: 'workflows',
    limit: 1,
  })) as { items: unknown[]; metadata: { remainingItemCount?: number } };
  const existing = list.items.length + (list.metadata.remainingItemCount ?? 0);
  if (existing >= size) return;
  const started = Date.now();
  const phases = [
    'Succeeded',
    'Succeeded',
    'Succeeded',
    'Failed',
    'Running',
  ] as const;
  await seedWorkflows(
    namespace,
    Array.from({ length: size }, (_, i) => ({
      name: `ingestion-${String(i).padStart(6, '0')}`,
      phase: phases[i % phases.length],
      startedSecondsAgo: (size - i) * 30,
      cronWorkflow: `pipeline-${i % 20}`,
      labels: { 'backstage.io/kubernetes-id': entityName(size) },
      nodes: 4,
    })),
    { concurrency: 32, stepPods: false },
  );
  console.log(
    `seeded ${size} workflows in ${namespace} in ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
}

interface Measure {
  p50: number;
  p95: number;
  requestsPerView: number;
}

async function main() {
  const proxy = await startCountingProxy({
    target: testEnv.kubernetes().url,
    targetCaFile: testEnv.kubernetes().caFile,
  });
  for (const size of SIZES) await ensureWorkflows(size);
  const data = config(proxy, catalogFile());

  const collateView = (token: string, size: number) => () =>
    fetch(
      `${BASE}/api/collate/entities/component/default/${entityName(
        size,
      )}/status`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
  const kubernetesView = (token: string, size: number) => () =>
    fetch(`${BASE}/api/kubernetes/services/${entityName(size)}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: entityName(size),
            namespace: 'default',
            annotations: {
              'backstage.io/kubernetes-id': entityName(size),
              'backstage.io/kubernetes-namespace': namespaceOf(size),
            },
          },
        },
      }),
    });

  const results: Record<number, Record<string, Measure>> = {};
  for (const size of SIZES) {
    // Cold: a fresh backend for each sample.
    const cold: number[] = [];
    let coldRequests = 0;
    // One cold view first, not counted: it opens the counting proxy's own connections to the API server and
    // compiles this process's code for the size; each counted sample is then a fresh backend.
    for (let i = -1; i < COLD_SAMPLES; i++) {
      const { backend, token } = await startBackend(data);
      await warmFramework(BASE, token);
      proxy.reset();
      const viewStarted = performance.now();
      const { ms, body } = await timed(collateView(token, size));
      if (i < 0) {
        await backend.stop();
        continue;
      }
      coldRequests += proxy.requests.length;
      cold.push(ms);
      if (i === 0) {
        const ingestion = JSON.parse(body).components[0];
        console.log(
          `collate view (${size}): health ${ingestion.health}, ${
            ingestion.runs.length
          } runs, last 24 h ${JSON.stringify(
            ingestion.last24h,
          )}\nits upstream requests (cold, ${ms.toFixed(0)} ms; ${
            proxy.connections.opened
          } connection(s) opened):\n${timeline(proxy.requests, viewStarted)}`,
        );
      }
      await backend.stop();
    }

    const { backend, token } = await startBackend(data);
    await timed(collateView(token, size));
    const warm: number[] = [];
    proxy.reset();
    for (let i = 0; i < WARM_SAMPLES; i++) {
      warm.push((await timed(collateView(token, size))).ms);
    }
    const warmRequests = proxy.requests.length;

    const k8s: number[] = [];
    proxy.reset();
    let k8sBytes = 0;
    for (let i = 0; i < K8S_SAMPLES; i++) {
      const { ms, body } = await timed(kubernetesView(token, size));
      k8s.push(ms);
      k8sBytes = body.length;
    }
    const k8sRequests = proxy.requests.length;
    await backend.stop();

    results[size] = {
      'collate cold': {
        p50: percentile(cold, 50),
        p95: percentile(cold, 95),
        requestsPerView: coldRequests / COLD_SAMPLES,
      },
      'collate warm': {
        p50: percentile(warm, 50),
        p95: percentile(warm, 95),
        requestsPerView: warmRequests / WARM_SAMPLES,
      },
      'kubernetes backend': {
        p50: percentile(k8s, 50),
        p95: percentile(k8s, 95),
        requestsPerView: k8sRequests / K8S_SAMPLES,
      },
    };
    console.log(
      `kubernetes backend view (${size}): ${(k8sBytes / 1e6).toFixed(
        1,
      )} MB response`,
    );
  }
  await proxy.close();

  console.log(
    '\nworkflows  view                 p50 ms   p95 ms   upstream requests/view',
  );
  for (const size of SIZES) {
    for (const [name, m] of Object.entries(results[size])) {
      console.log(
        `${String(size).padStart(9)}  ${name.padEnd(19)} ${m.p50
          .toFixed(1)
          .padStart(7)}  ${m.p95
          .toFixed(1)
          .padStart(7)}   ${m.requestsPerView.toFixed(2)}`,
      );
    }
  }
  const big = results[10000];
  const goal = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(
    `\nratios at 10,000 workflows (kubernetes backend / collate):` +
      `\n  p95 warm ${(
        big['kubernetes backend'].p95 / big['collate warm'].p95
      ).toFixed(0)}x` +
      `, p95 cold ${(
        big['kubernetes backend'].p95 / big['collate cold'].p95
      ).toFixed(1)}x, p50 cold ${(
        big['kubernetes backend'].p50 / big['collate cold'].p50
      ).toFixed(1)}x` +
      `\ngoals: warm p95 <= 20 ms ${goal(big['collate warm'].p95 <= 20)}` +
      `; cold p95 <= 500 ms ${goal(big['collate cold'].p95 <= 500)}` +
      `; >= 10x faster (warm) ${goal(
        big['kubernetes backend'].p95 / big['collate warm'].p95 >= 10,
      )}` +
      `; >= 20x faster (cold p95) ${goal(
        big['kubernetes backend'].p95 / big['collate cold'].p95 >= 20,
      )}` +
      `; upstream requests per warm view independent of workflows: ` +
      `${results[1000]['collate warm'].requestsPerView.toFixed(
        2,
      )} at 1,000 vs ${big['collate warm'].requestsPerView.toFixed(
        2,
      )} at 10,000`,
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
