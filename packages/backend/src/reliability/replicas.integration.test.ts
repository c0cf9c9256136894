// The portal as several replicas run it: two backends on the test environment's PostgreSQL and Redis, behind a
// round-robin load balancer, with task recovery on. One of them is killed (SIGKILL, with its helm children) in the
// middle of real template runs; the other completes them, and the servers hold exactly one of everything.
// `scripts/bench reliability` runs the same with more kills and prints the table.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { COLLATE_PULL_SECRET_MARKS } from '@collate-backstage/plugin-collate-common';
import { adminKubeConfig } from '@internal/testenv';
import {
  startReliabilityEnvironment,
  type ReliabilityEnvironment,
} from './__testUtils__/environment';
import {
  countResources,
  crashRuns,
  logText,
  newDeployment,
  Scaffolder,
  logLinesSince,
  type Deployment,
} from './__testUtils__/runs';
import {
  apiServerOutage,
  azureFaults,
  helmInterrupted,
  iamLag,
  identicalRuns,
  parallelDeployments,
  type ScenarioResult,
} from './__testUtils__/scenarios';
import { formatTable, killPoints, summarize } from './__testUtils__/report';

const KILLS = Number(process.env.COLLATE_RELIABILITY_KILLS ?? 3);
const SEED = Number(
  process.env.COLLATE_RELIABILITY_SEED ?? Math.floor(Math.random() * 1e6),
);
const ECR_INTERVAL_S = 5;

describe('two backend replicas on PostgreSQL and Redis', () => {
  let env: ReliabilityEnvironment;
  const namespaces: string[] = [];

  beforeAll(async () => {
    env = await startReliabilityEnvironment({
      logDir: join(
        __dirname,
        '../../../../test-results/reliability',
        randomBytes(3).toString('hex'),
      ),
      ecrRefreshSeconds: ECR_INTERVAL_S,
      staleTaskSeconds: 5,
    });
  }, 240_000);

  afterAll(async () => {
    await env?.close();
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const names = (await core.listNamespace()).items
      .map(n => n.metadata!.name!)
      .filter(n => env && n.includes(`rel-${env.suffix}-`));
    await Promise.all(
      names.map(name => core.deleteNamespace({ name }).catch(() => undefined)),
    );
  }, 60_000);

  const scaffolder = (url = env.replicas.url) => new Scaffolder(url, env.token);

  it('a template started through one replica reports through the other; the status route answers the same from either', async () => {
    const [one, other] = env.replicas.replicas;
    await scaffolder().waitForTemplate('collate-aws-eks');
    const deployment = newDeployment(env, 'aws', 'x0');
    namespaces.push(deployment.namespaces.collate);
    const id = await scaffolder(one.url).start(deployment);
    const done = await scaffolder(other.url).finished(id);
    expect({
      status: done.status,
      log: done.status === 'completed' ? '' : logText(done.events),
    }).toEqual({
      status: 'completed',
      log: '',
    });
    expect((await scaffolder(one.url).events(id)).map(e => e.id)).toEqual(
      done.events.map(e => e.id),
    );
    expect(await countResources(env, deployment)).toEqual({
      duplicates: [],
      pendingReleases: [],
    });

    const status = async (url: string) => {
      const res = await fetch(
        `${url}/api/collate/entities/system/default/${deployment.name}/status`,
        {
          headers: { Authorization: `Bearer ${env.token}` },
        },
      );
      return { code: res.status, body: await res.json() };
    };
    const first = await status(one.url);
    expect(first.code).toBe(200);
    expect(first.body.components.length).toBeGreaterThan(0);
    // Within the cache TTL the other replica answers from the shared cache: the same answer, put together at its
    // own moment (`observedAt`).
    const withoutTimes = (answer: unknown) =>
      JSON.parse(
        JSON.stringify(answer, (key, value) =>
          key === 'observedAt' ? undefined : value,
        ),
      );
    expect(withoutTimes(await status(other.url))).toEqual(withoutTimes(first));
  }, 180_000);

  it('follows the workflows of a namespace on one replica at a time: both together within the upstream budget of one', async () => {
    const api = scaffolder();
    const [alone, shared] = [
      newDeployment(env, 'aws', 'wf1'),
      newDeployment(env, 'aws', 'wf2'),
    ];
    for (const d of [alone, shared]) {
      const done = await api.finished(await api.start(d));
      expect(done.status).toBe('completed');
    }
    /** Workflow requests to the API server for one deployment's workflows, while `views` status reads go to `replicas`. */
    const upstream = async (d: Deployment, replicas: number[]) => {
      env.apiRequests.reset();
      for (let i = 0; i < 8; i++) {
        const replica = env.replicas.replicas[replicas[i % replicas.length]];
        const res = await fetch(
          `${replica.url}/api/collate/entities/system/default/${d.name}/status`,
          { headers: { Authorization: `Bearer ${env.token}` } },
        );
        expect(res.status).toBe(200);
        await new Promise(r => setTimeout(r, 1500));
      }
      const mine = env.apiRequests.requests.filter(r =>
        r.path.startsWith(
          // Collate's workflows run in its own namespace (the guides' ARGO_NAMESPACE).
          `/apis/argoproj.io/v1alpha1/namespaces/${d.namespaces.collate}/workflows`,
        ),
      );
      return {
        lists: mine.filter(r => !/[?&]watch=(1|true)/.test(r.path)).length,
        watches: mine.filter(r => /[?&]watch=(1|true)/.test(r.path)).length,
      };
    };
    const one = await upstream(alone, [0]);
    const both = await upstream(shared, [0, 1]);
    process.stdout.write(
      `workflow requests for 8 views in 12 s: one replica ${JSON.stringify(
        one,
      )}, two replicas taking turns ${JSON.stringify(both)}\n`,
    );
    expect(one.lists + one.watches).toBeGreaterThan(0);
    expect(both.lists).toBeLessThanOrEqual(one.lists);
    expect(both.watches).toBeLessThanOrEqual(one.watches);
  }, 180_000);

  it('checks the ECR pull secrets once per interval across both replicas, and renews a stale one once', async () => {
    const deployment = namespaces[0];
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const since = Date.now();
    const from = env.apiRequests.requests.length;
    // Make the deployment's pull secret due (one hour left); the next check renews it.
    await core.patchNamespacedSecret({
      name: 'ecr-registry-creds',
      namespace: deployment,
      body: [
        {
          op: 'replace',
          path: `/metadata/annotations/${COLLATE_PULL_SECRET_MARKS.expiresAtAnnotation.replace(
            '/',
            '~1',
          )}`,
          value: new Date(Date.now() + 3_600_000).toISOString(),
        },
      ],
    });
    const windowS = 4 * ECR_INTERVAL_S + 1;
    await new Promise(r => setTimeout(r, windowS * 1000));
    const checks = env.replicas.replicas.map(
      r => logLinesSince(r.logFile, since, 'ECR pull secret check').length,
    );
    const total = checks[0] + checks[1];
    // One replica per interval: at most one check per interval started in the window (two replicas each checking
    // would make about twice as many).
    expect(total).toBeGreaterThanOrEqual(2);
    expect(total).toBeLessThanOrEqual(windowS / ECR_INTERVAL_S + 1);
    // The replicas' own writes (through the counting proxy: other test files use the same service account).
    const renewals = env.apiRequests.requests.slice(from).filter(
      r =>
        ['PATCH', 'PUT'].includes(r.method) &&
        // Applied after its server-side dry-run, which changes nothing.
        !/[?&]dryRun=All/.test(r.path) &&
        r.path.startsWith(
          `/api/v1/namespaces/${deployment}/secrets/ecr-registry-creds`,
        ),
    );
    expect(renewals).toHaveLength(1);
  }, 60_000);

  it.each(['aws', 'azure'] as const)(
    `completes every %s template run whose replica is killed (${KILLS} kills, seed ${SEED})`,
    async topology => {
      const runs = await crashRuns(env, topology, {
        count: KILLS,
        seed: SEED + (topology === 'aws' ? 0 : 1000),
        print: line => process.stdout.write(`${line}\n`),
      });
      const summary = summarize(topology, runs);
      process.stdout.write(
        `${formatTable([summary])}\nkill points: ${killPoints(runs)}\n`,
      );
      expect(
        runs.filter(r => r.status !== 'completed').map(r => r.log),
      ).toEqual([]);
      expect(summary).toMatchObject({
        kills: KILLS,
        recovered: KILLS,
        duplicates: 0,
        pendingReleases: 0,
      });
      // No step is silent for more than 20 s, waits for a dead holder's lock included.
      expect(summary.maxSilenceMs).toBeLessThanOrEqual(20_000);
    },
    900_000,
  );

  /** A scenario's result with nothing wrong: every run completed, one of everything, no silence over 20 s. */
  const clean = (r: ScenarioResult) => ({
    completed: r.completed ? true : r.log,
    duplicates: r.duplicates,
    pendingReleases: r.pendingReleases,
    quiet: r.maxSilenceMs <= 20_000,
  });
  const CLEAN = {
    completed: true,
    duplicates: [],
    pendingReleases: [],
    quiet: true,
  };

  it('two identical runs started at the same moment converge on one deployment', async () => {
    const r = await identicalRuns(env, 'same');
    expect(clean(r)).toEqual(CLEAN);
    expect(r.failure).toBeUndefined();
  }, 300_000);

  it('two different deployments on the same cluster run at the same time without interfering', async () => {
    expect(clean(await parallelDeployments(env, 'par'))).toEqual(CLEAN);
  }, 300_000);

  describe('faults across a whole run', () => {
    it('Azure: 429 with Retry-After on every write type, PrincipalNotFound lag, 409 on federated credentials', async () => {
      const r = await azureFaults(env, 'flt');
      expect(clean(r)).toEqual(CLEAN);
      // Each write type was throttled once and retried after its Retry-After; the 409s and the lag were met.
      expect(r.hits).toMatchObject({
        '429 on identity': 1,
        '429 on federated credential': 1,
        '429 on role assignment': 1,
        '429 on storage account': 1,
        '429 on container': 1,
        '409 on federated credential': 2,
      });
      expect(r.hits.PrincipalNotFound).toBeGreaterThan(0);
    }, 300_000);

    it('AWS: new IAM roles not yet replicated', async () => {
      const r = await iamLag(env, 'lag');
      expect(clean(r)).toEqual(CLEAN);
      expect(r.hits['NoSuchEntity answers']).toBeGreaterThan(0);
    }, 300_000);

    it('the API server briefly unavailable: the run completes, or fails in one clear line and completes when re-run', async () => {
      const r = await apiServerOutage(env, 'api');
      process.stdout.write(`after the outage: ${r.failure ?? 'completed'}\n`);
      expect(r.hits['connections dropped']).toBeGreaterThan(0);
      expect(r.failure ?? 'completed').toMatch(
        /^completed$|ECONNRESET|ECONNREFUSED|socket hang up|disconnected|unavailable/i,
      );
      expect(clean(r)).toEqual(CLEAN);
    }, 300_000);

    it('Helm interrupted: a helm killed in the middle of its install, then the release recovered', async () => {
      const r = await helmInterrupted(env, 'hlm');
      process.stdout.write(
        `after helm was killed: ${r.failure ?? 'completed'}\n`,
      );
      expect(r.hits['helm processes killed']).toBe(1);
      // The step says helm was stopped; the re-run recovers the release it left pending-install.
      expect(r.failure ?? 'completed').toMatch(
        /^completed$|helm upgrade was stopped \(SIGKILL\) before it finished/,
      );
      expect(clean(r)).toEqual(CLEAN);
    }, 300_000);
  });
});
