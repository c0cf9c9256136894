// Puts a Collate deployment's cluster side on the local control plane: the fixture Helm releases (made Ready by
// KWOK), Argo Workflows in every phase and CronWorkflows. Used by the status backend's integration tests, its
// benchmark and the browser test.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { chartPath, type FixtureChart } from './charts';
import { adminKubeConfig, testEnv } from './env';

const run = promisify(execFile);

/**
 * Workflows and CronWorkflows carry this controller instance id, so the environment's real workflow controller (which
 * runs without one) leaves them as seeded instead of running them.
 */
export const SEED_INSTANCE_ID = 'seeded';

export type SeedPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error';

export interface SeedWorkflow {
  name: string;
  phase: SeedPhase;
  /** Seconds before now the run started; defaults to 60. */
  startedSecondsAgo?: number;
  durationSeconds?: number;
  progress?: string;
  cronWorkflow?: string;
  labels?: Record<string, string>;
  /** Adds this many nodes to `status.nodes`, to give each object a realistic size. */
  nodes?: number;
  /**
   * A Running or Pending workflow's step pods are created with it (KWOK runs them), as Argo's would be: labelled with
   * the workflow, annotated with their node id. `podsGone` leaves them out: a run whose pods vanished.
   */
  podsGone?: boolean;
  activeDeadlineSeconds?: number;
}

/** For a create that may find its object already there (409): anything else is thrown on. */
const ignoreExisting = (error: unknown) => {
  if ((error as { code?: number }).code !== 409) throw error;
};

/**
 * Creates a namespace when it is missing. With `deployment`, it also carries that deployment's marker
 * (`collate.io/deployment`), as `collate:kubernetes:prepare` labels the namespaces it creates: the status backend
 * writes (workflow operations, pipelines, reindex) only to a namespace marked for the entity's deployment.
 */
export async function ensureNamespace(
  name: string,
  options: { deployment?: string; kc?: KubeConfig } = {},
) {
  const core = (options.kc ?? adminKubeConfig()).makeApiClient(CoreV1Api);
  const labels = options.deployment
    ? { 'collate.io/deployment': options.deployment }
    : undefined;
  await core
    .createNamespace({ body: { metadata: { name, labels } } })
    .catch(ignoreExisting);
  if (!labels) return;
  const live = await core.readNamespace({ name });
  if (live.metadata?.labels?.['collate.io/deployment'] === options.deployment)
    return;
  live.metadata = {
    ...live.metadata,
    labels: { ...live.metadata?.labels, ...labels },
  };
  await core.replaceNamespace({ name, body: live });
}

export function workflowObject(namespace: string, w: SeedWorkflow) {
  const started = new Date(Date.now() - (w.startedSecondsAgo ?? 60) * 1000);
  const done = ['Succeeded', 'Failed', 'Error'].includes(w.phase);
  const finished = done
    ? new Date(started.getTime() + (w.durationSeconds ?? 42) * 1000)
    : undefined;
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < (w.nodes ?? 0); i++) {
    const id = `${w.name}-${1000000000 + i}`;
    nodes[id] = {
      id,
      name: i === 0 ? w.name : `${w.name}.step-${i}`,
      displayName: i === 0 ? w.name : `step-${i}`,
      type: i === 0 ? 'Steps' : 'Pod',
      templateName: i === 0 ? 'main' : 'ingest',
      phase: w.phase,
      startedAt: started.toISOString(),
      ...(finished ? { finishedAt: finished.toISOString() } : {}),
      progress: '1/1',
      resourcesDuration: { cpu: 12, memory: 340 },
      outputs: { exitCode: w.phase === 'Succeeded' ? '0' : '1' },
    };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: w.name,
      namespace,
      labels: {
        'workflows.argoproj.io/controller-instanceid': SEED_INSTANCE_ID,
        'workflows.argoproj.io/phase': w.phase,
        ...(done ? { 'workflows.argoproj.io/completed': 'true' } : {}),
        ...(w.cronWorkflow
          ? { 'workflows.argoproj.io/cron-workflow': w.cronWorkflow }
          : {}),
        ...w.labels,
      },
    },
    spec: {
      entrypoint: 'main',
      serviceAccountName: 'ingestion',
      ...(w.activeDeadlineSeconds !== undefined
        ? { activeDeadlineSeconds: w.activeDeadlineSeconds }
        : {}),
      templates: [
        {
          name: 'main',
          container: {
            image: 'docker.getcollate.io/openmetadata/ingestion-base:1.12.3',
            command: ['python', 'main.py'],
          },
        },
      ],
    },
    status: {
      phase: w.phase,
      startedAt: started.toISOString(),
      ...(finished ? { finishedAt: finished.toISOString() } : {}),
      progress: w.progress ?? (w.phase === 'Succeeded' ? '1/1' : '0/1'),
      ...(w.phase === 'Failed'
        ? { message: 'Error (exit code 1): ingestion failed' }
        : {}),
      ...(w.nodes ? { nodes } : {}),
    },
  };
}

/** The pods of a seeded workflow's running steps, as Argo's controller would create them. */
function stepPods(namespace: string, w: SeedWorkflow) {
  if (w.podsGone || (w.phase !== 'Running' && w.phase !== 'Pending')) return [];
  const nodes = Object.values(
    (workflowObject(namespace, w).status.nodes ?? {}) as Record<
      string,
      { id: string; type: string }
    >,
  ).filter(n => n.type === 'Pod');
  return nodes.map(n => ({
    metadata: {
      name: n.id,
      namespace,
      labels: { 'workflows.argoproj.io/workflow': w.name },
      annotations: { 'workflows.argoproj.io/node-id': n.id },
    },
    spec: {
      nodeSelector: { type: 'kwok' },
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: 'main',
          image: 'docker.getcollate.io/openmetadata/ingestion-base:1.12.3',
        },
      ],
    },
  }));
}

/** Creates workflows with `concurrency` requests in flight; existing names are left alone. */
export async function seedWorkflows(
  namespace: string,
  workflows: SeedWorkflow[],
  options: {
    kc?: KubeConfig;
    concurrency?: number;
    /** Create the running steps' pods (default true; a benchmark's thousands of runs go without). */
    stepPods?: boolean;
    /** The object created for each run; {@link workflowObject} by default. */
    body?: (namespace: string, w: SeedWorkflow) => object;
  } = {},
) {
  const kc = options.kc ?? adminKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  let next = 0;
  const worker = async () => {
    while (next < workflows.length) {
      const w = workflows[next++];
      await api
        .createNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace,
          plural: 'workflows',
          body: (options.body ?? workflowObject)(namespace, w),
        })
        .catch(ignoreExisting);
      const pods = options.stepPods === false ? [] : stepPods(namespace, w);
      for (const body of pods) {
        await core
          .createNamespacedPod({ namespace, body })
          .catch(ignoreExisting);
      }
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 16 }, () => worker()),
  );
}

export async function deleteWorkflows(
  namespace: string,
  kc = adminKubeConfig(),
) {
  await kc
    .makeApiClient(CustomObjectsApi)
    .deleteCollectionNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
    });
}

export async function seedCronWorkflow(
  namespace: string,
  cron: {
    name: string;
    schedule: string;
    timezone?: string;
    suspend?: boolean;
  },
  kc = adminKubeConfig(),
) {
  const api = kc.makeApiClient(CustomObjectsApi);
  await api
    .createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'cronworkflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        metadata: {
          name: cron.name,
          labels: {
            'workflows.argoproj.io/controller-instanceid': SEED_INSTANCE_ID,
          },
        },
        spec: {
          schedule: cron.schedule,
          ...(cron.timezone ? { timezone: cron.timezone } : {}),
          suspend: cron.suspend ?? false,
          workflowSpec: {
            entrypoint: 'main',
            templates: [
              {
                name: 'main',
                container: { image: 'busybox', command: ['true'] },
              },
            ],
          },
        },
      },
    })
    .catch(ignoreExisting);
}

/**
 * A release an interrupted run left `pending-*` (the environment stopped in the middle of a seed) would refuse every
 * upgrade: a pending install is removed, a pending upgrade or rollback rolled back to the revision before it.
 */
async function recoverPendingRelease(
  release: string,
  namespace: string,
  kubeconfigPath: string,
) {
  const kube = ['--namespace', namespace, '--kubeconfig', kubeconfigPath];
  let status: string;
  try {
    const { stdout } = await run(testEnv.helmBin(), [
      'status',
      release,
      '-o',
      'json',
      ...kube,
    ]);
    status = JSON.parse(stdout).info?.status ?? '';
  } catch {
    return; // no such release yet
  }
  if (status === 'pending-install') {
    await run(testEnv.helmBin(), ['uninstall', release, '--wait', ...kube]);
  } else if (status.startsWith('pending-')) {
    await run(testEnv.helmBin(), ['rollback', release, '--wait', ...kube]);
  }
}

/** `helm upgrade --install --wait` of a fixture chart (KWOK makes its pods Ready). */
export async function installFixtureRelease(options: {
  chart: FixtureChart;
  release: string;
  namespace: string;
  set?: Record<string, string>;
  /** Another cluster's admin kubeconfig (a fleet cluster's); the kubernetes component's by default. */
  kubeconfigPath?: string;
}) {
  const kubeconfigPath =
    options.kubeconfigPath ?? testEnv.kubernetes().kubeconfigPath;
  await recoverPendingRelease(
    options.release,
    options.namespace,
    kubeconfigPath,
  );
  await run(testEnv.helmBin(), [
    'upgrade',
    '--install',
    options.release,
    chartPath(options.chart),
    '--namespace',
    options.namespace,
    '--create-namespace',
    '--wait',
    '--timeout',
    '120s',
    '--kubeconfig',
    kubeconfigPath,
    ...Object.entries(options.set ?? {}).flatMap(([k, v]) => [
      '--set',
      `${k}=${v}`,
    ]),
  ]);
}

/**
 * A runner fixture release as the hybrid-ingestion-runner chart takes it: a bare server host (plain http here), the
 * ingestion-bot token from a Secret (written here, as the runner action does), an existing Argo server, the chart's
 * ECR helper off. Point `serverUrl` at a Collate contract server: the pod network's runner reports itself connected
 * while that server lets the agent connect (connectRunner).
 */
export async function installFixtureRunner(options: {
  namespace: string;
  release?: string;
  agentId: string;
  serverUrl: string;
  token: string;
  argoEndpoint: string;
}) {
  await ensureNamespace(options.namespace);
  await upsertSecret(options.namespace, 'runner-auth', {
    token: options.token,
  });
  await installFixtureRelease({
    chart: 'hybrid-ingestion-runner',
    release: options.release ?? 'hybrid-ingestion-runner',
    namespace: options.namespace,
    set: {
      'config.agentId': options.agentId,
      'config.serverHost': new URL(options.serverUrl).host,
      'config.useSecureProtocols': 'false',
      'config.authTokenSecret.name': 'runner-auth',
      'config.authTokenSecret.key': 'token',
      'config.argoWorkflows.endpoint': options.argoEndpoint,
      'ecrRegistryHelper.enabled': 'false',
    },
  });
}

async function upsertSecret(
  namespace: string,
  name: string,
  stringData: Record<string, string>,
) {
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const body = { metadata: { name }, stringData };
  try {
    await core.createNamespacedSecret({ namespace, body });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    await core.replaceNamespacedSecret({ name, namespace, body });
  }
}

/** The demo's run that the real workflow controller runs and that fails: for retrying it from the portal. */
export const DEMO_FAILING_WORKFLOW = 'warehouse-usage-daily';

/**
 * A workflow the environment's real Argo controller runs (no seed instance id) and whose step fails for real: its
 * pod's `main` container exits 1 (kwok stage for `testenv.collate.io/exit-code`), with a log saying why. Retrying
 * it runs the step again, which fails again. Left alone when it exists.
 */
export async function ensureFailingWorkflow(namespace: string, name: string) {
  const api = adminKubeConfig().makeApiClient(CustomObjectsApi);
  await api
    .createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name,
        },
        spec: {
          entrypoint: 'main',
          templates: [
            {
              name: 'main',
              metadata: {
                annotations: {
                  'testenv.collate.io/exit-code': '1',
                  'testenv.collate.io/log': [
                    'Starting usage ingestion for service warehouse',
                    'Reading query log from warehouse:5432',
                    'ERROR: could not connect to warehouse:5432: connection refused',
                  ].join('\n'),
                },
              },
              container: {
                image: 'docker.getcollate.io/openmetadata/ingestion:1.12.3',
                command: ['python', 'main.py'],
              },
            },
          ],
        },
      },
    })
    .catch(ignoreExisting);
  // Until the controller has run it (seconds), so the demo opens on its real outcome.
  for (let i = 0; i < 300; i++) {
    const wf = (await api.getNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
      name,
    })) as { status?: { phase?: string } };
    if (['Failed', 'Error', 'Succeeded'].includes(wf.status?.phase ?? ''))
      return;
    await new Promise(r => setTimeout(r, 300));
  }
}

export interface DemoDeployment {
  /** The demo System's name: the deployment marker on its namespaces. */
  deployment: string;
  /** Namespace of Collate and its ingestion workflows. */
  namespace: string;
  argoNamespace: string;
  runnerNamespace: string;
  runnerAgentId: string;
}

/**
 * The cluster side of the demo System (catalog-info.yaml): openmetadata in `collate`, argo-workflows in
 * `argo-workflows`, a runner in `collate-runner`, workflows in every phase and two CronWorkflows.
 */
export async function seedDemoDeployment(
  collate: { url: string; token: string },
  d: DemoDeployment = {
    deployment: 'collate-demo',
    namespace: 'collate',
    argoNamespace: 'argo-workflows',
    runnerNamespace: 'collate-runner',
    runnerAgentId: 'demo-runner',
  },
) {
  await Promise.all([
    installFixtureRelease({
      chart: 'argo-workflows',
      release: 'argo-workflows',
      namespace: d.argoNamespace,
    }),
    installFixtureRelease({
      chart: 'openmetadata',
      release: 'openmetadata',
      namespace: d.namespace,
    }),
    installFixtureRunner({
      namespace: d.runnerNamespace,
      agentId: d.runnerAgentId,
      serverUrl: collate.url,
      token: collate.token,
      argoEndpoint: `http://argo-workflows-server.${d.argoNamespace}:2746`,
    }),
  ]);
  // Marked as the Collate actions mark what they create for the demo System.
  for (const namespace of [d.namespace, d.argoNamespace, d.runnerNamespace])
    await ensureNamespace(namespace, { deployment: d.deployment });
  await seedWorkflows(d.namespace, demoWorkflows());
  await ensureFailingWorkflow(d.namespace, DEMO_FAILING_WORKFLOW);
  await seedCronWorkflow(d.namespace, {
    name: 'warehouse-metadata',
    schedule: '0 * * * *',
  });
  await seedCronWorkflow(d.namespace, {
    name: 'warehouse-profiler',
    schedule: '30 2 * * *',
    timezone: 'Europe/Berlin',
  });
  return d;
}

/** Eight runs of two ingestions: succeeded, failed, running and pending ones, newest last. */
export function demoWorkflows(): SeedWorkflow[] {
  const phases: SeedPhase[] = [
    'Succeeded',
    'Succeeded',
    'Failed',
    'Succeeded',
    'Error',
    'Succeeded',
    'Running',
    'Pending',
  ];
  return phases.map((phase, i) => ({
    name: `warehouse-${i % 2 ? 'profiler' : 'metadata'}-${1000 + i}`,
    phase,
    startedSecondsAgo: (phases.length - i) * 600,
    durationSeconds: 30 + i * 7,
    cronWorkflow: i % 2 ? 'warehouse-profiler' : 'warehouse-metadata',
    progress: phase === 'Running' ? '2/4' : undefined,
    nodes: 3,
  }));
}
