// Template runs through the replicas' scaffolder REST API, a replica killed in the middle of one, and the count of
// what the servers hold afterwards.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { awsTestConfig, testEnv } from '@internal/testenv';
import { localCollateValues } from '../../templates/__testUtils__/templates';
import type { ReliabilityEnvironment } from './environment';

const execFileAsync = promisify(execFile);

export type Topology = 'aws' | 'azure';

export const TEMPLATES: Record<Topology, string> = {
  aws: 'collate-aws-eks',
  azure: 'collate-azure-aks',
};

/** One deployment a run makes: its names and the template's values and secrets. */
export interface Deployment {
  topology: Topology;
  name: string;
  namespaces: { collate: string; argo: string };
  values: Record<string, unknown>;
  secrets: Record<string, string>;
  /** AWS: the IAM role names end with it. */
  roleSuffix?: string;
  /** Azure: every identity lives in a resource group of its own (the guide's identity names are fixed). */
  resourceGroup?: string;
}

const SEARCH_PASSWORD = 'search-test-only';

/** A new deployment of a topology, named after `label` (short: it ends up in IAM role and storage account names). */
export function newDeployment(
  env: ReliabilityEnvironment,
  topology: Topology,
  label: string,
): Deployment {
  const name = `rel-${env.suffix}-${label}`;
  const namespaces = { collate: `collate-${name}`, argo: `argo-${name}` };
  const pg = testEnv.postgres();
  const common = localCollateValues(TEMPLATES[topology], name, namespaces);
  const secrets = {
    databasePassword: pg.password,
    searchPassword: SEARCH_PASSWORD,
  };
  if (topology === 'aws') {
    const roleSuffix = `-${env.suffix}-${label}`;
    return {
      topology,
      name,
      namespaces,
      roleSuffix,
      secrets,
      values: {
        ...common,
        eksClusterName: env.eksCluster,
        region: 'eu-west-1',
        bucket: `collate-argo-artifacts-${name}`,
        roleSuffix,
      },
    };
  }
  const resourceGroup = `rg-${name}`;
  env.arm.seedManagedCluster({
    subscriptionId: env.subscriptionId,
    resourceGroup,
    name: env.aksCluster,
  });
  return {
    topology,
    name,
    namespaces,
    resourceGroup,
    secrets: { ...secrets, argoDbPassword: `argo-archive-${name}` },
    values: {
      ...common,
      subscriptionId: env.subscriptionId,
      resourceGroup,
      aksClusterName: env.aksCluster,
      storageAccountName: `rel${env.suffix}${label}`
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 24),
      argoDbPassword: '********',
    },
  };
}

export interface TaskEvent {
  id: number;
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  createdAt: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: unknown;
  };
}

/** The scaffolder's REST API at one address (the load balancer or one replica), as the guest. */
export class Scaffolder {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call(path: string, init: RequestInit = {}) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${this.token}`,
        'Content-Type': 'application/json',
      },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  /** Waits until the catalog holds the template (the replicas' first catalog pass). */
  async waitForTemplate(template: string, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.call(
          `/api/catalog/entities/by-name/template/default/${template}`,
        );
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise(r => setTimeout(r, 1000));
      }
    }
  }

  async start(deployment: Deployment): Promise<string> {
    const body = await this.call('/api/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: `template:default/${TEMPLATES[deployment.topology]}`,
        values: deployment.values,
        secrets: deployment.secrets,
      }),
    });
    return body.id;
  }

  async task(
    id: string,
  ): Promise<{ status: string; lastHeartbeatAt?: string }> {
    return this.call(`/api/scaffolder/v2/tasks/${id}`);
  }

  async events(id: string): Promise<TaskEvent[]> {
    return this.call(`/api/scaffolder/v2/tasks/${id}/events`);
  }

  /** Polls until the task has ended; its status and every event. */
  async finished(id: string, timeoutMs = 600_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await this.task(id).catch(() => ({
        status: 'unreachable',
      }));
      if (['completed', 'failed', 'cancelled'].includes(status)) {
        return { status, events: await this.events(id), at: Date.now() };
      }
      if (Date.now() > deadline)
        throw new Error(
          `task ${id} still ${status} after ${timeoutMs / 1000} s`,
        );
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

/** The log of a task's events, one line each. */
export function logText(events: TaskEvent[]) {
  return events
    .filter(e => e.type === 'log')
    .map(e => `${e.createdAt} ${e.body.stepId ?? ''} ${e.body.message ?? ''}`)
    .join('\n');
}

/** The replica whose working directory holds the task's workspace: the one running it. */
export function replicaRunning(env: ReliabilityEnvironment, taskId: string) {
  return env.replicas.replicas.findIndex(r =>
    existsSync(join(env.workingDirectory(r.index), taskId)),
  );
}

/** Mulberry32: a small seeded generator, so that a run's kill points can be repeated from its printed seed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CrashRun {
  topology: Topology;
  deployment: string;
  seed: number;
  /** How long after the task started the replica was killed (undefined: the run had ended first). */
  killAfterMs?: number;
  /** From the start to the end of the task. */
  durationMs: number;
  /** The step that was running when it was killed. */
  killedStep?: string;
  status: string;
  /** From the kill until another replica took the task over (its `recovered` event). */
  takenOverMs?: number;
  /** From the kill until the task completed on the surviving replica. */
  recoveryMs?: number;
  duplicates: string[];
  pendingReleases: string[];
  /** The longest time a step of the (final attempt of the) task went without a log line. */
  maxSilenceMs: number;
  /** The task log, kept when something is wrong. */
  log?: string;
}

/** The longest gap between two log lines of a task while a step was running. */
export function maxSilence(events: TaskEvent[]) {
  const logs = events.filter(e => e.type === 'log');
  let max = 0;
  for (let i = 1; i < logs.length; i++) {
    max = Math.max(
      max,
      Date.parse(logs[i].createdAt) - Date.parse(logs[i - 1].createdAt),
    );
  }
  return max;
}

/** A killed replica's start, still under way: the next crash run waits for it, so that two replicas run again. */
const restarting = new WeakMap<ReliabilityEnvironment, Promise<void>>();

/** Resolves once every killed replica runs again. */
export async function settled(env: ReliabilityEnvironment) {
  await restarting.get(env);
}

/**
 * Starts a template run through the load balancer, kills (SIGKILL, process group) the replica running it `killAfterMs`
 * after the start, waits for the surviving replica to complete it, starts the killed replica again and counts what
 * the servers hold.
 */
export async function crashRun(
  env: ReliabilityEnvironment,
  deployment: Deployment,
  seed: number,
  killAfterMs: number,
): Promise<CrashRun> {
  await restarting.get(env);
  const api = new Scaffolder(env.replicas.url, env.token);
  const started = Date.now();
  const taskId = await api.start(deployment);
  let owner = -1;
  while (owner < 0 && Date.now() - started < 60_000) {
    owner = replicaRunning(env, taskId);
    if (owner < 0) await new Promise(r => setTimeout(r, 50));
  }
  if (owner < 0) throw new Error(`no replica took task ${taskId} within 60 s`);
  while (Date.now() - started < killAfterMs)
    await new Promise(r => setTimeout(r, 20));
  const before = await api.task(taskId);
  const result: CrashRun = {
    topology: deployment.topology,
    deployment: deployment.name,
    seed,
    status: 'unknown',
    duplicates: [],
    pendingReleases: [],
    maxSilenceMs: 0,
    durationMs: 0,
  };
  let killedAt: number | undefined;
  if (before.status === 'processing') {
    // The step in progress: the last one that logged. (After a start-over recovery the events API shows only the
    // new attempt's events.)
    const logged = (await api.events(taskId)).filter(
      e => e.type === 'log' && e.body.stepId,
    );
    await env.replicas.kill(owner);
    killedAt = Date.now();
    result.killAfterMs = killedAt - started;
    result.killedStep = logged.at(-1)?.body.stepId ?? '(before the first step)';
  }
  const done = await api.finished(taskId);
  result.status = done.status;
  result.durationMs = done.at - started;
  if (killedAt) {
    const recovered = done.events.find(e => e.type === 'recovered');
    if (recovered)
      result.takenOverMs = Date.parse(recovered.createdAt) - killedAt;
    result.recoveryMs = done.at - killedAt;
    const restart = env.replicas.start(owner);
    restart.catch(() => undefined); // awaited (and thrown) by the next run or by settled()
    restarting.set(env, restart);
  }
  result.maxSilenceMs = maxSilence(done.events);
  const counted = await countResources(env, deployment);
  result.duplicates = counted.duplicates;
  result.pendingReleases = counted.pendingReleases;
  if (
    result.status !== 'completed' ||
    counted.duplicates.length ||
    counted.pendingReleases.length
  )
    result.log = logText(done.events);
  return result;
}

interface HelmRevision {
  revision: number;
  status: string;
}

async function helmJson(args: string[]) {
  const { stdout } = await execFileAsync(testEnv.helmBin(), [
    ...args,
    '-o',
    'json',
    '--kubeconfig',
    testEnv.kubernetes().kubeconfigPath,
  ]);
  return JSON.parse(stdout);
}

/** The expected releases of a deployment: Argo Workflows and Collate. */
function releasesOf(deployment: Deployment) {
  return [
    { namespace: deployment.namespaces.argo, release: 'argo-workflows' },
    { namespace: deployment.namespaces.collate, release: 'openmetadata' },
  ];
}

/**
 * What the servers hold for a deployment, compared with exactly one of each: releases (one deployed revision, none
 * pending), IAM roles and their policies or identities, federated credentials and role assignments, the catalog's
 * System. Returns what is missing or doubled, in words.
 */
export async function countResources(
  env: ReliabilityEnvironment,
  deployment: Deployment,
) {
  const duplicates: string[] = [];
  const pendingReleases: string[] = [];
  for (const { namespace, release } of releasesOf(deployment)) {
    const all = (await helmJson([
      'list',
      '-n',
      namespace,
      // Every state (Helm 4 has no --all).
      '--deployed',
      '--failed',
      '--pending',
      '--superseded',
      '--uninstalling',
    ])) as Array<{ name: string }>;
    const named = all.filter(r => r.name === release);
    if (named.length !== 1) {
      duplicates.push(`${named.length} Helm releases ${namespace}/${release}`);
      continue;
    }
    const history = (await helmJson([
      'history',
      release,
      '-n',
      namespace,
    ])) as HelmRevision[];
    const deployed = history.filter(h => h.status === 'deployed');
    if (deployed.length !== 1)
      duplicates.push(
        `${deployed.length} deployed revisions of ${namespace}/${release}`,
      );
    for (const h of history.filter(r => r.status.startsWith('pending-')))
      pendingReleases.push(
        `${namespace}/${release} revision ${h.revision} ${h.status}`,
      );
  }

  if (deployment.topology === 'aws') {
    const iam = new IAMClient(awsTestConfig());
    try {
      const roles: Role[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListRolesCommand({ Marker: marker }));
        roles.push(...(page.Roles ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      const mine = roles.filter(r =>
        r.RoleName!.endsWith(deployment.roleSuffix!),
      );
      if (mine.length !== 4) duplicates.push(`${mine.length} IAM roles, not 4`);
      for (const role of mine) {
        const attached = await iam.send(
          new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }),
        );
        const arns = (attached.AttachedPolicies ?? []).map(p => p.PolicyArn);
        if (arns.length === 0) duplicates.push(`${role.RoleName}: no policy`);
      }
    } finally {
      iam.destroy();
    }
  } else {
    const prefix =
      `/subscriptions/${env.subscriptionId}/resourcegroups/${deployment.resourceGroup}/`.toLowerCase();
    const identities = env.arm
      .resourcesOfType('Microsoft.ManagedIdentity/userAssignedIdentities')
      .filter(r => r.id.toLowerCase().startsWith(prefix));
    if (identities.length !== 4)
      duplicates.push(`${identities.length} identities, not 4`);
    const credentials = env.arm
      .resourcesOfType(
        'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      )
      .filter(r => r.id.toLowerCase().startsWith(prefix));
    const subjects = credentials.map(
      c =>
        `${c.id.split('/federatedIdentityCredentials/')[0]} ${
          c.properties.issuer
        } ${c.properties.subject}`,
    );
    if (
      credentials.length !== identities.length ||
      new Set(subjects).size !== subjects.length
    )
      duplicates.push(
        `${credentials.length} federated credentials for ${identities.length} identities`,
      );
    const principals = new Set(identities.map(i => i.properties.principalId));
    const grants = env.arm
      .resourcesOfType('Microsoft.Authorization/roleAssignments')
      .filter(a => principals.has(a.properties.principalId))
      .map(a =>
        `${a.properties.principalId} ${a.properties.roleDefinitionId} ${a.properties.scope}`.toLowerCase(),
      );
    if (grants.length === 0 || new Set(grants).size !== grants.length)
      duplicates.push(
        `role assignments: ${grants.length}, ${new Set(grants).size} distinct`,
      );
  }

  // The catalog holds the System once its processing loop has seen the registration (a few seconds).
  let systems: unknown[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const res = await fetch(
      `${env.replicas.url}/api/catalog/entities/by-query?filter=kind=system,metadata.name=${deployment.name}`,
      { headers: { Authorization: `Bearer ${env.token}` } },
    );
    systems = ((await res.json()) as { items: unknown[] }).items;
    if (systems.length > 0) break;
    await new Promise(r => setTimeout(r, 500));
  }
  if (systems.length !== 1)
    duplicates.push(`${systems.length} Systems named ${deployment.name}`);
  return { duplicates, pendingReleases };
}

/**
 * A topology's crash runs: one undisturbed run measures how long the template takes, then `count` runs are each
 * killed at a moment drawn from `seed + i` (uniform over the first 70% of that time, so that the kill lands while
 * the run is still going). Each run's seed, kill moment and step are printed.
 */
export async function crashRuns(
  env: ReliabilityEnvironment,
  topology: Topology,
  options: { count: number; seed: number; print?: (line: string) => void },
): Promise<CrashRun[]> {
  const print = options.print ?? (() => undefined);
  const api = new Scaffolder(env.replicas.url, env.token);
  await api.waitForTemplate(TEMPLATES[topology]);
  const letter = topology === 'aws' ? 'e' : 'k'; // EKS, AKS
  const baseline = newDeployment(env, topology, `${letter}base`);
  const t0 = Date.now();
  const first = await api.finished(await api.start(baseline));
  if (first.status !== 'completed')
    throw new Error(
      `the undisturbed ${topology} run ${first.status}:\n${logText(
        first.events,
      )}`,
    );
  let fastestMs = Date.now() - t0;
  print(
    `${topology}: an undisturbed run takes ${(fastestMs / 1000).toFixed(1)} s`,
  );
  const runs: CrashRun[] = [];
  for (let i = 0; i < options.count; i++) {
    const seed = options.seed + i;
    const random = seededRandom(seed);
    // Uniform over the first 60% of the fastest run seen so far: the kill lands while the run is going. A run that
    // ends first (the machine got faster) is repeated, on a new deployment, with the moment halved.
    let killAfterMs = Math.round(300 + random() * fastestMs * 0.6);
    let run: CrashRun;
    for (let attempt = 0; ; attempt++) {
      run = await crashRun(
        env,
        newDeployment(
          env,
          topology,
          `${letter}${i}${attempt ? `r${attempt}` : ''}`,
        ),
        seed,
        killAfterMs,
      );
      if (run.killAfterMs !== undefined || attempt === 3) break;
      fastestMs = Math.min(fastestMs, run.durationMs);
      killAfterMs = Math.round(killAfterMs / 2);
    }
    print(
      `${topology} #${i + 1} seed ${seed}: killed after ${(
        (run.killAfterMs ?? 0) / 1000
      ).toFixed(1)} s in ${
        run.killedStep ?? '(not killed: the run had ended)'
      } -> ${run.status}${
        run.recoveryMs
          ? `, completed ${(run.recoveryMs / 1000).toFixed(1)} s after the kill`
          : ''
      }${
        run.duplicates.length ? `; DUPLICATES ${run.duplicates.join('; ')}` : ''
      }${
        run.pendingReleases.length
          ? `; PENDING ${run.pendingReleases.join('; ')}`
          : ''
      }`,
    );
    runs.push(run);
  }
  await settled(env);
  return runs;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/** A replica's log lines that contain `text` and were written at or after `since` (each line starts with its time). */
export function logLinesSince(file: string, since: number, text: string) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(line => line.replace(ANSI, ''))
    .filter(
      line => line.includes(text) && Date.parse(line.slice(0, 24)) >= since,
    );
}

/** SIGKILL to a running helm whose command line has `args` and `namespace`; whether one was found. */
export function killHelm(args: string, namespace: string): boolean {
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .join(' ');
    } catch {
      continue;
    }
    if (
      /(^|\/)helm /.test(cmdline) &&
      cmdline.includes(args) &&
      cmdline.includes(`--namespace ${namespace} `)
    ) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        return true;
      } catch {
        return false;
      }
    }
  }
  return false;
}
