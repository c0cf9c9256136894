// Benchmark of the Collate status route against Backstage's own Kubernetes backend, on the same entity and the same
// data, in the same process and the same backend (scripts/bench status).
//
// Data: Argo Workflows (with a realistic status) in one namespace of the local API server, 1,000 and 10,000 of them.
// Both backends reach the API server through a counting HTTPS proxy, so the upstream requests of each page view
// are counted, not estimated.
//   - cold: a fresh backend (no cache, no workflow index, no connection to the cluster) answering its first status
//     view, once the backend has answered one request of any kind (see warmFramework); also through a proxy that
//     offers only HTTP/1.1, and as the backend's very first request. The three are taken in turn;
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
// A p95 of ten samples is their largest one: thirty rounds (each a cold view of every variant and one view of
// Backstage's Kubernetes backend) give the p95 one outlier cannot set alone on a machine whose two cores the API
// servers share.
const COLD_SAMPLES = 30;
const WARM_SAMPLES = 200;

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

/** One way of taking a cold view: through which proxy, and whether the backend has answered a request before. */
interface ColdVariant {
  name: string;
  proxy: CountingProxy;
  data: object;
  warmFramework: boolean;
  ms: number[];
  requests: number;
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
  const proxyHttp1 = await startCountingProxy({
    target: testEnv.kubernetes().url,
    targetCaFile: testEnv.kubernetes().caFile,
    http2: false,
  });
  for (const size of SIZES) await ensureWorkflows(size);
  const catalog = catalogFile();
  const data = config(proxy, catalog);
  const dataHttp1 = config(proxyHttp1, catalog);

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
    // Cold: a fresh backend for each sample, in three variants taken in turn, so that each sees the same moments:
    const variants: ColdVariant[] = [
      // ours cold, the goal's figure: the backend has answered one request (the framework's first-request costs
      // paid, as they are for the Kubernetes backend's views below), our plugin nothing;
      { name: 'collate cold', proxy, data, warmFramework: true },
      // the same behind a proxy that offers only HTTP/1.1;
      {
        name: 'collate cold, HTTP/1.1',
        proxy: proxyHttp1,
        data: dataHttp1,
        warmFramework: true,
      },
      // the backend's very first request: the framework's costs (signing keys, the user token's keys, the catalog's
      // and the permission backend's first plugin token) on top.
      {
        name: 'collate cold, 1st request',
        proxy,
        data,
        warmFramework: false,
      },
    ].map(v => ({ ...v, ms: [], requests: 0 }));
    // Backstage's Kubernetes backend, one view per round on the backend of the round's first cold view (after it),
    // so that both are measured over the same minutes of a machine whose API server and etcd share its two cores.
    const k8s: number[] = [];
    let k8sRequests = 0;
    let k8sBytes = 0;
    // One round first, not counted: it opens the counting proxies' own connections to the API server and compiles
    // this process's code for the size.
    for (let i = -1; i < COLD_SAMPLES; i++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(k + Math.max(i, 0)) % variants.length];
        const { backend, token } = await startBackend(v.data);
        if (v.warmFramework) await warmFramework(BASE, token);
        v.proxy.reset();
        const viewStarted = performance.now();
        const { ms, body } = await timed(collateView(token, size));
        if (i >= 0) {
          v.ms.push(ms);
          v.requests += v.proxy.requests.length;
        }
        if (i === 0 && v === variants[0]) {
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
        if (k === 0 && i >= 0) {
          v.proxy.reset();
          const view = await timed(kubernetesView(token, size));
          k8s.push(view.ms);
          k8sRequests += v.proxy.requests.length;
          k8sBytes = view.body.length;
        }
        await backend.stop();
      }
    }
    console.log(
      `after the cold rounds (${size}): this process's RSS ${(
        process.memoryUsage().rss / 1e6
      ).toFixed(0)} MB`,
    );

    const { backend, token } = await startBackend(data);
    await timed(collateView(token, size));
    const warm: number[] = [];
    proxy.reset();
    for (let i = 0; i < WARM_SAMPLES; i++) {
      warm.push((await timed(collateView(token, size))).ms);
    }
    const warmRequests = proxy.requests.length;

    await backend.stop();

    results[size] = {
      ...Object.fromEntries(
        variants.map(v => [
          v.name,
          {
            p50: percentile(v.ms, 50),
            p95: percentile(v.ms, 95),
            requestsPerView: v.requests / COLD_SAMPLES,
          },
        ]),
      ),
      'collate warm': {
        p50: percentile(warm, 50),
        p95: percentile(warm, 95),
        requestsPerView: warmRequests / WARM_SAMPLES,
      },
      'kubernetes backend': {
        p50: percentile(k8s, 50),
        p95: percentile(k8s, 95),
        requestsPerView: k8sRequests / k8s.length,
      },
    };
    console.log(
      `kubernetes backend view (${size}): ${(k8sBytes / 1e6).toFixed(
        1,
      )} MB response`,
    );
  }
  await proxy.close();
  await proxyHttp1.close();

  console.log(
    '\nworkflows  view                       p50 ms   p95 ms   upstream requests/view',
  );
  for (const size of SIZES) {
    for (const [name, m] of Object.entries(results[size])) {
      console.log(
        `${String(size).padStart(9)}  ${name.padEnd(25)} ${m.p50
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
