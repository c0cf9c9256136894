// Benchmark of the fleet page and of one System's status at fleet scale, against Backstage's Kubernetes backend doing
// the same per-deployment views, in the same process and the same backend (scripts/bench fleet).
//
// Data: 50 Collate deployments spread over 3 clusters (the kubernetes component's and two of fleet.sh), each with
// its namespace, its openmetadata and argo-workflows fixture releases (KWOK-ready) and 2,000 Argo Workflows: 100,000
// workflows. Each cluster is reached through its own counting HTTPS proxy, so upstream requests and open connections
// are counted per cluster, not estimated. The Collate server is the contract server; Argo is the environment's.
//   - cold: a fresh backend (no cache, no followed namespace, no connection to a cluster) answering its first view,
//     once it has answered one request of any kind (see warmFramework), after one such view not counted, which also
//     opens the counting proxies' connections to the API servers;
//   - warm: later views, with the cache and the followed namespaces in place.
// Backstage's Kubernetes backend has no cache: every view costs the same, and a fleet is one view per deployment
// (its multi-tenant locator asks every cluster).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  ensureNamespace,
  installFixtureRelease,
  seedWorkflows,
  startCollateContractServer,
  startCountingProxy,
  testEnv,
  TEST_CLUSTER_NAME,
  type CountedRequest,
  type CountingProxy,
} from '@internal/testenv';
import { stringify } from 'yaml';
import {
  benchPortalConfig,
  costByKind,
  percentile,
  startPortalBackend,
  timed,
  timeline,
  warmFramework,
} from './lib';

const PORT = 17008;
const BASE = `http://localhost:${PORT}`;
const DEPLOYMENTS = 50;
const WORKFLOWS = 2000;
const COLD_SAMPLES = 5;
const WARM_SAMPLES = 100;
const SYSTEM_COLD_SAMPLES = 5;
const SYSTEM_WARM_SAMPLES = 200;
const K8S_SAMPLES = 5;
/** How many per-deployment views the Kubernetes backend's "fleet" runs at once (as our fleet route reads). */
const K8S_FLEET_IN_FLIGHT = 6;
const ARGO_URL = 'http://argo-workflows-server.argo-workflows:2746';
const SERVER_URL = 'http://openmetadata.fleet-bench:8585';

const nameOf = (i: number) => `fleet-bench-${String(i).padStart(2, '0')}`;

interface Deployment {
  name: string;
  cluster: string;
  kubeconfigPath: string;
}

function clusters() {
  const k = testEnv.kubernetes();
  const all = [
    { name: TEST_CLUSTER_NAME, url: k.url, kubeconfigPath: k.kubeconfigPath },
    ...testEnv.fleetClusters(),
  ];
  if (all.length < 3)
    throw new Error(
      'The fleet benchmark needs 3 clusters: start the fleet component (scripts/testenv/testenv up fleet)',
    );
  return all.slice(0, 3).map(c => ({
    ...c,
    token:
      c.name === TEST_CLUSTER_NAME
        ? k.backstageToken
        : testEnv.fleetClusters().find(f => f.name === c.name)!.backstageToken,
  }));
}

function catalogFile(deployments: Deployment[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'collate-fleet-bench-'));
  const file = join(dir, 'catalog-info.yaml');
  const docs = deployments.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: d.name,
      tags: [d.cluster === TEST_CLUSTER_NAME ? 'azure' : 'aws'],
      annotations: {
        // Set by the catalog for what the Collate actions registered.
        'backstage.io/managed-by-origin-location': `collate-deployment:${d.name}`,
        'collate.io/component': 'server',
        'collate.io/kubernetes-cluster': d.cluster,
        'collate.io/namespace': d.name,
        'collate.io/server-release': 'openmetadata',
        'collate.io/server-url': SERVER_URL,
        'collate.io/argo-namespace': 'argo-workflows',
        'collate.io/argo-server-url': ARGO_URL,
        'backstage.io/kubernetes-id': d.name,
        'backstage.io/kubernetes-namespace': d.name,
      },
    },
    spec: { owner: `team-${Number(d.name.slice(-2)) % 5}` },
  }));
  writeFileSync(file, docs.map(d => stringify(d)).join('---\n'));
  return file;
}

function config(
  proxied: Array<{ name: string; proxy: CountingProxy; token: string }>,
  catalog: string,
  collate: { url: string; token: string },
) {
  return benchPortalConfig({
    base: BASE,
    port: PORT,
    kinds: ['System'],
    catalog,
    clusters: proxied,
    collate: {
      servers: [
        { url: SERVER_URL, baseUrl: collate.url, token: collate.token },
      ],
      argo: { servers: [{ url: ARGO_URL, baseUrl: testEnv.argoUrl() }] },
    },
  });
}

/** A deployment's cluster side, unless it is there already (reruns reuse it). */
async function ensureDeployment(d: Deployment) {
  const kc = adminKubeConfig(d.cluster);
  await ensureNamespace(d.name, { deployment: d.name, kc });
  const api = kc.makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace: d.name,
    plural: 'workflows',
    limit: 1,
  })) as { items: unknown[]; metadata: { remainingItemCount?: number } };
  const existing = list.items.length + (list.metadata.remainingItemCount ?? 0);
  if (existing < WORKFLOWS) {
    const phases = [
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Failed',
      'Running',
    ] as const;
    await seedWorkflows(
      d.name,
      Array.from({ length: WORKFLOWS }, (_, i) => ({
        name: `ingestion-${String(i).padStart(5, '0')}`,
        phase: phases[i % phases.length],
        startedSecondsAgo: (WORKFLOWS - i) * 300,
        cronWorkflow: `pipeline-${i % 10}`,
        labels: { 'backstage.io/kubernetes-id': d.name },
        nodes: 2,
      })),
      { kc, concurrency: 16, stepPods: false },
    );
  }
  await installFixtureRelease({
    chart: 'openmetadata',
    release: 'openmetadata',
    namespace: d.name,
    kubeconfigPath: d.kubeconfigPath,
  });
}

async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
) {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const cs = clusters();
  const deployments: Deployment[] = Array.from(
    { length: DEPLOYMENTS },
    (_, i) => {
      const c = cs[i % cs.length];
      return {
        name: nameOf(i),
        cluster: c.name,
        kubeconfigPath: c.kubeconfigPath,
      };
    },
  );
  const seeding = Date.now();
  for (const c of cs)
    await installFixtureRelease({
      chart: 'argo-workflows',
      release: 'argo-workflows',
      namespace: 'argo-workflows',
      kubeconfigPath: c.kubeconfigPath,
    });
  await mapBounded(deployments, 4, ensureDeployment);
  console.log(
    `${DEPLOYMENTS} deployments on ${cs.length} clusters, ${
      DEPLOYMENTS * WORKFLOWS
    } workflows: ready in ${((Date.now() - seeding) / 1000).toFixed(0)} s`,
  );

  const collate = await startCollateContractServer();
  const proxies = await Promise.all(
    cs.map(async c => ({
      name: c.name,
      token: c.token,
      proxy: await startCountingProxy({
        target: c.url,
        targetCaFile: testEnv.kubernetes().caFile,
      }),
    })),
  );
  const data = config(proxies, catalogFile(deployments), {
    url: collate.url,
    token: collate.issueToken(),
  });
  const refs = deployments.map(d => `system:default/${d.name}`);
  const requests = () =>
    proxies.reduce((n, p) => n + p.proxy.requests.length, 0);
  const reset = () => proxies.forEach(p => p.proxy.reset());
  const peaks = () => proxies.map(p => p.proxy.connections.peak);
  const get = (token: string, path: string) => () =>
    fetch(`${BASE}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const fleetView = (token: string) => get(token, '/api/collate/fleet');
  const systemView = (token: string) =>
    get(token, `/api/collate/entities/system/default/${nameOf(0)}/status`);
  const kubernetesView = (token: string, name: string) => () =>
    fetch(`${BASE}/api/kubernetes/services/${name}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'System',
          metadata: {
            name,
            namespace: 'default',
            annotations: {
              'backstage.io/kubernetes-id': name,
              'backstage.io/kubernetes-namespace': name,
            },
          },
        },
      }),
    });

  // Fleet, cold: a fresh backend for each sample.
  const fleetCold: number[] = [];
  let fleetColdRequests = 0;
  const coldPeaks: number[] = [];
  let rows = 0;
  // One cold view first, not counted: it opens the counting proxies' own connections to the API servers (which a
  // backend talking to its clusters directly never has) and compiles this process's code; each counted sample is
  // then a fresh backend, with no cache and no followed namespace, as after a restart.
  for (let i = -1; i < COLD_SAMPLES; i++) {
    const { backend, token } = await startPortalBackend(BASE, data, refs);
    await warmFramework(BASE, token);
    reset();
    const viewStarted = performance.now();
    const { ms, body } = await timed(fleetView(token));
    if (i < 0) {
      console.log(
        `fleet page, cold warm-up (not counted): ${ms.toFixed(0)} ms`,
      );
      await backend.stop();
      continue;
    }
    fleetCold.push(ms);
    const ends = proxies.flatMap(p =>
      p.proxy.requests.map(r => (r.ended ?? r.started) - viewStarted),
    );
    console.log(
      `fleet page, cold sample ${i + 1}: ${ms.toFixed(
        0,
      )} ms, the clusters' last answer at ${Math.max(...ends).toFixed(0)} ms`,
    );
    if (i === 0)
      console.log(
        `its upstream requests by kind (a watch counts until the backend stops):\n${costByKind(
          proxies.flatMap(p => p.proxy.requests),
        )}`,
      );
    fleetColdRequests += requests();
    const sample = peaks();
    for (let j = 0; j < sample.length; j++)
      coldPeaks[j] = Math.max(sample[j], coldPeaks[j] ?? 0);
    rows = JSON.parse(body).deployments.length;
    await backend.stop();
  }

  // One System, cold; what it asks of the clusters, by kind of request.
  const systemCold: number[] = [];
  let systemColdRequests: CountedRequest[] = [];
  for (let i = 0; i < SYSTEM_COLD_SAMPLES; i++) {
    const { backend, token } = await startPortalBackend(BASE, data, refs);
    await warmFramework(BASE, token);
    reset();
    const viewStarted = performance.now();
    const { ms } = await timed(systemView(token));
    systemCold.push(ms);
    systemColdRequests = proxies.flatMap(p => [...p.proxy.requests]);
    console.log(
      `one System, cold sample ${i + 1}: ${ms.toFixed(0)} ms${
        i === 0
          ? `; its upstream requests:\n${timeline(
              systemColdRequests,
              viewStarted,
            )}`
          : ''
      }`,
    );
    await backend.stop();
  }

  // Warm, and memory, in one backend.
  global.gc?.();
  const { backend, token } = await startPortalBackend(BASE, data, refs);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  await timed(fleetView(token));
  reset();
  const fleetWarm: number[] = [];
  for (let i = 0; i < WARM_SAMPLES; i++)
    fleetWarm.push((await timed(fleetView(token))).ms);
  const fleetWarmRequests = requests() / WARM_SAMPLES;
  const warmPeaks = peaks();
  await timed(systemView(token));
  const systemWarm: number[] = [];
  for (let i = 0; i < SYSTEM_WARM_SAMPLES; i++)
    systemWarm.push((await timed(systemView(token))).ms);
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;

  // Backstage's Kubernetes backend: one System, and the fleet as one view per deployment.
  const k8sSystem: number[] = [];
  for (let i = 0; i < K8S_SAMPLES; i++)
    k8sSystem.push((await timed(kubernetesView(token, nameOf(0)))).ms);
  const k8sFleet: number[] = [];
  let k8sFleetRequests = 0;
  for (let i = 0; i < 2; i++) {
    reset();
    const started = performance.now();
    await mapBounded(deployments, K8S_FLEET_IN_FLIGHT, d =>
      timed(kubernetesView(token, d.name)),
    );
    k8sFleet.push(performance.now() - started);
    k8sFleetRequests = requests();
  }
  await backend.stop();
  await Promise.all(proxies.map(p => p.proxy.close()));
  await collate.close();

  const line = (
    name: string,
    values: number[],
    requestsPerView: string,
    extra = '',
  ) =>
    console.log(
      `${name.padEnd(34)} ${percentile(values, 50)
        .toFixed(1)
        .padStart(8)} ${percentile(values, 95)
        .toFixed(1)
        .padStart(8)}   ${requestsPerView.padStart(8)}   ${extra}`,
    );
  console.log(
    `\n${DEPLOYMENTS} deployments × ${cs.length} clusters × ${WORKFLOWS} workflows each; the fleet lists ${rows}`,
  );
  console.log(
    `${'view'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(
      8,
    )}   ${'upstream'.padStart(8)}   connections per cluster (peak)`,
  );
  line(
    'fleet page, cold',
    fleetCold,
    (fleetColdRequests / COLD_SAMPLES).toFixed(0),
    coldPeaks.join(' / '),
  );
  line(
    'fleet page, warm',
    fleetWarm,
    fleetWarmRequests.toFixed(2),
    warmPeaks.join(' / '),
  );
  line(
    `kubernetes backend, ${DEPLOYMENTS} views`,
    k8sFleet,
    String(k8sFleetRequests),
  );
  line('one System, cold', systemCold, '');
  line('one System, warm', systemWarm, '');
  line('kubernetes backend, one System', k8sSystem, '');
  console.log(
    `\none System, cold: ${
      systemColdRequests.length
    } upstream requests\n${costByKind(systemColdRequests)}`,
  );
  console.log(
    `backend RSS: ${mb(rssBefore)} before, ${mb(rssAfter)} after (+${mb(
      rssAfter - rssBefore,
    )})`,
  );
  const goal = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const coldRatio = percentile(k8sSystem, 95) / percentile(systemCold, 95);
  const maxPeak = Math.max(...coldPeaks, ...warmPeaks);
  console.log(
    `\nratios (kubernetes backend / collate): fleet ${(
      percentile(k8sFleet, 50) / percentile(fleetWarm, 95)
    ).toFixed(0)}x warm, ${(
      percentile(k8sFleet, 50) / percentile(fleetCold, 95)
    ).toFixed(1)}x cold; one System ${(
      percentile(k8sSystem, 95) / percentile(systemWarm, 95)
    ).toFixed(0)}x warm, ${coldRatio.toFixed(1)}x cold` +
      `\ngoals: fleet warm p95 <= 50 ms ${goal(
        percentile(fleetWarm, 95) <= 50,
      )}; fleet cold p95 <= 2 s ${goal(
        percentile(fleetCold, 95) <= 2000,
      )}; one System warm p95 <= 10 ms ${goal(
        percentile(systemWarm, 95) <= 10,
      )}; one System cold >= 20x the kubernetes backend ${goal(
        coldRatio >= 20,
      )}; RSS growth <= 300 MB ${goal(
        rssAfter - rssBefore <= 300 * 1024 * 1024,
      )}; connections per cluster bounded (peak ${maxPeak}; at most 16 requests + 50 watches) ${goal(
        maxPeak <= 66,
      )}`,
  );
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
