// Whole template runs under concurrency and under faults, for the replica test (which asserts on them) and for
// `scripts/bench reliability` (which tabulates them). Each returns what happened and what the servers hold after.
import type { ReliabilityEnvironment } from './environment';
import {
  countResources,
  killHelm,
  logText,
  maxSilence,
  newDeployment,
  Scaffolder,
  type Deployment,
  type TaskEvent,
} from './runs';

export interface ScenarioResult {
  scenario: string;
  /** Every run of the scenario completed (after the one re-run a person would make, where one was needed). */
  completed: boolean;
  /** The first attempt's failure, in its first line, when a re-run was needed. */
  failure?: string;
  duplicates: string[];
  pendingReleases: string[];
  maxSilenceMs: number;
  /** What the fault did: how often it hit. */
  hits: Record<string, number>;
  /** The task logs of runs that did not complete. */
  log?: string;
}

interface Finished {
  status: string;
  events: TaskEvent[];
}

async function run(env: ReliabilityEnvironment, deployment: Deployment) {
  const api = new Scaffolder(env.replicas.url, env.token);
  return api.finished(await api.start(deployment));
}

function firstFailure(done: Finished) {
  return done.status === 'completed'
    ? undefined
    : done.events
        .find(e => /Error/.test(e.body.message ?? ''))
        ?.body.message?.split('\n')[0] ?? done.status;
}

async function result(
  env: ReliabilityEnvironment,
  scenario: string,
  deployments: Deployment[],
  runs: Finished[],
  extra: Partial<ScenarioResult> = {},
): Promise<ScenarioResult> {
  const counted = await Promise.all(
    deployments.map(d => countResources(env, d)),
  );
  const failed = runs.filter(r => r.status !== 'completed');
  return {
    scenario,
    completed: failed.length === 0,
    duplicates: counted.flatMap(c => c.duplicates),
    pendingReleases: counted.flatMap(c => c.pendingReleases),
    maxSilenceMs: Math.max(0, ...runs.map(r => maxSilence(r.events))),
    hits: {},
    ...(failed.length
      ? { log: failed.map(r => logText(r.events)).join('\n\n') }
      : {}),
    ...extra,
  };
}

/** Two identical runs of one Azure deployment, started at the same moment (two people pressing Create). */
export async function identicalRuns(
  env: ReliabilityEnvironment,
  label: string,
) {
  const deployment = newDeployment(env, 'azure', label);
  const api = new Scaffolder(env.replicas.url, env.token);
  const ids = await Promise.all([api.start(deployment), api.start(deployment)]);
  const runs = await Promise.all(ids.map(id => api.finished(id)));
  return result(env, 'two identical runs at once', [deployment], runs, {
    hits: {
      'waits for the other run': runs.filter(r =>
        r.events.some(e =>
          /waiting for another run/.test(e.body.message ?? ''),
        ),
      ).length,
    },
  });
}

/** An AWS and an Azure deployment on the same cluster, side by side. */
export async function parallelDeployments(
  env: ReliabilityEnvironment,
  label: string,
) {
  const deployments = [
    newDeployment(env, 'aws', `${label}e`),
    newDeployment(env, 'azure', `${label}k`),
  ];
  const runs = await Promise.all(deployments.map(d => run(env, d)));
  return result(env, 'two deployments at once', deployments, runs);
}

/** The ARM write paths of the Azure template, by resource type. */
export const ARM_WRITES: Record<string, RegExp> = {
  identity: /\/userAssignedIdentities\/[^/]+$/i,
  'federated credential': /\/federatedIdentityCredentials\/[^/]+$/i,
  'role assignment': /\/roleAssignments\/[^/]+$/i,
  'storage account': /\/storageAccounts\/[^/]+$/i,
  container: /\/containers\/[^/]+$/i,
};

/**
 * An Azure run with 429 + Retry-After on the first write of every type, two 409s on federated-credential writes, and
 * new principals unknown to role assignment for 15 s.
 */
export async function azureFaults(env: ReliabilityEnvironment, label: string) {
  const { arm } = env;
  for (const path of Object.values(ARM_WRITES)) arm.throttle(path, 1, 1, 'PUT');
  arm.failNext({
    method: 'PUT',
    path: ARM_WRITES['federated credential'],
    times: 2,
    status: 409,
    code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
    message:
      'Too many Federated Identity Credentials are written concurrently for the managed identity.',
  });
  arm.setPrincipalReplicationDelay(15_000);
  const from = arm.calls.length;
  try {
    const deployment = newDeployment(env, 'azure', label);
    const done = await run(env, deployment);
    const calls = arm.calls.slice(from);
    const hits: Record<string, number> = {};
    for (const [type, path] of Object.entries(ARM_WRITES))
      hits[`429 on ${type}`] = calls.filter(
        c => c.method === 'PUT' && c.status === 429 && path.test(c.path),
      ).length;
    hits['409 on federated credential'] = calls.filter(
      c => c.status === 409 && ARM_WRITES['federated credential'].test(c.path),
    ).length;
    hits.PrincipalNotFound = calls.filter(
      c => c.status === 400 && ARM_WRITES['role assignment'].test(c.path),
    ).length;
    return result(
      env,
      'ARM 429, 409 and PrincipalNotFound',
      [deployment],
      [done],
      {
        hits,
      },
    );
  } finally {
    arm.setPrincipalReplicationDelay(0);
  }
}

/** An AWS run while new IAM roles stay unknown for 3 s after their creation. */
export async function iamLag(env: ReliabilityEnvironment, label: string) {
  const lagged = env.aws.iamLag(3000);
  try {
    const deployment = newDeployment(env, 'aws', label);
    const done = await run(env, deployment);
    return result(env, 'IAM eventual consistency', [deployment], [done], {
      hits: { 'NoSuchEntity answers': lagged() },
    });
  } finally {
    env.aws.iamLag(0);
  }
}

/**
 * An AWS run during which the API server is unavailable for 3 s (connections reset, new ones refused), once its
 * Kubernetes steps have begun. A run that fails is run again once the API server answers, as a person would.
 */
export async function apiServerOutage(
  env: ReliabilityEnvironment,
  label: string,
) {
  const deployment = newDeployment(env, 'aws', label);
  const api = new Scaffolder(env.replicas.url, env.token);
  const id = await api.start(deployment);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if ((await api.events(id)).some(e => e.body.stepId === 'prepare')) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const droppedBefore = env.apiServer.dropped();
  env.apiServer.outage(3000);
  const first = await api.finished(id);
  await env.apiServer.restored();
  const failure = firstFailure(first);
  const done = failure ? await run(env, deployment) : first;
  return result(env, 'API server unavailable for 3 s', [deployment], [done], {
    failure,
    hits: { 'connections dropped': env.apiServer.dropped() - droppedBefore },
  });
}

/**
 * An AWS run whose `helm upgrade --install openmetadata` is killed (SIGKILL) while it waits for the release, leaving
 * it pending-install. A run that fails is run again.
 */
export async function helmInterrupted(
  env: ReliabilityEnvironment,
  label: string,
) {
  const deployment = newDeployment(env, 'aws', label);
  const api = new Scaffolder(env.replicas.url, env.token);
  const id = await api.start(deployment);
  let killed = false;
  for (
    const deadline = Date.now() + 120_000;
    !killed && Date.now() < deadline;

  ) {
    killed = killHelm(
      'upgrade --install openmetadata',
      deployment.namespaces.collate,
    );
    if (!killed) await new Promise(r => setTimeout(r, 20));
  }
  const first = await api.finished(id);
  const failure = firstFailure(first);
  const done = failure ? await run(env, deployment) : first;
  return result(env, 'helm killed mid-install', [deployment], [done], {
    failure,
    hits: { 'helm processes killed': killed ? 1 : 0 },
  });
}
