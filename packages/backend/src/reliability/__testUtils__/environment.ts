// The servers a reliability run needs around the portal's replicas: the ARM contract server, the AWS call recorder
// and the proxies in front of the API server in this process (so the run can count what reached them and inject
// faults), moto's EKS cluster, and the replicas' own configuration: PostgreSQL for every plugin's database (dropped
// afterwards), Redis for the cache, task recovery on.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Client } from 'pg';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  awsTestConfig,
  backstageKubernetesConfig,
  collateAwsTestConfig,
  ensureEksCluster,
  startArmContractServer,
  startAwsCallRecorder,
  startBackendReplicas,
  startCountingProxy,
  startOutageProxy,
  testEnv,
  type CountingProxy,
  type OutageProxy,
  type ArmContractServer,
  type AwsCallRecorder,
  type ReplicaSet,
} from '@internal/testenv';

const REPO_ROOT = resolvePackagePath('backend', '../..');

export interface ReliabilityEnvironment {
  replicas: ReplicaSet;
  /** The replicas reach the API server through it: `outage(ms)` makes the API server briefly unavailable to them. */
  apiServer: OutageProxy;
  /** Every request the replicas made to the API server. */
  apiRequests: CountingProxy;
  arm: ArmContractServer;
  aws: AwsCallRecorder;
  subscriptionId: string;
  aksCluster: string;
  eksCluster: string;
  /** Unique to this environment: every name a run makes carries it. */
  suffix: string;
  /** A signed-in user's Backstage token (the guest), valid on every replica. */
  token: string;
  logDir: string;
  /** Replica `index`'s scaffolder working directory (each pod has its own): a task's workspace is made there. */
  workingDirectory(index: number): string;
  close(): Promise<void>;
}

export interface ReliabilityEnvironmentOptions {
  logDir: string;
  /** How often the scheduled ECR renewal runs. */
  ecrRefreshSeconds?: number;
  /** How long a task may go without a heartbeat before another replica takes it over. */
  staleTaskSeconds?: number;
}

/** Drops the databases whose names start with `prefix` (one per plugin of the replicas). */
async function dropDatabases(prefix: string) {
  const pg = testEnv.postgres();
  const client = new Client({ ...pg, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows)
      await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The guest's token, from the auth backend through the load balancer. */
async function guestToken(url: string) {
  const res = await fetch(`${url}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token as string;
}

export async function startReliabilityEnvironment(
  options: ReliabilityEnvironmentOptions,
): Promise<ReliabilityEnvironment> {
  const suffix = randomBytes(3).toString('hex');
  const logDir = options.logDir;
  mkdirSync(logDir, { recursive: true });
  const subscriptionId = randomUUID();
  const aksCluster = 'collate-aks';
  const eksCluster = `collate-eks-rel-${suffix}`;
  const workingDirectory = (index: number) => join(logDir, `work-${index}`);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const end of closers.reverse()) await end().catch(() => undefined);
  };
  try {
    const arm = await startArmContractServer({ tls: testEnv.tls() });
    closers.push(() => arm.close());
    const aws = await startAwsCallRecorder(awsTestConfig().endpoint);
    closers.push(() => aws.close());
    await ensureEksCluster(eksCluster);
    const pg = testEnv.postgres();
    const dbPrefix = `collate_rel_${suffix}_`;
    // Last to run: the replicas' databases go once the replicas are stopped.
    closers.push(() => dropDatabases(dbPrefix));
    // replicas -> outage proxy (TCP) -> counting proxy (TLS, counts each request) -> API server
    const counted = await startCountingProxy({
      target: testEnv.kubernetes().url,
      targetCaFile: testEnv.kubernetes().caFile,
    });
    closers.push(() => counted.close());
    const countedUrl = new URL(counted.url);
    const apiServer = await startOutageProxy({
      host: countedUrl.hostname,
      port: Number(countedUrl.port),
    });
    closers.push(() => apiServer.close());
    const kubernetes = backstageKubernetesConfig();
    Object.assign(kubernetes.clusterLocatorMethods[0].clusters[0], {
      url: `https://${apiServer.address}`,
      caData: Buffer.from(counted.caPem).toString('base64'),
    });

    const shared = join(logDir, 'replicas.yaml');
    writeFileSync(
      shared,
      stringify({
        backend: {
          database: {
            client: 'pg',
            connection: {
              host: pg.host,
              port: pg.port,
              user: pg.user,
              password: '${RELIABILITY_PG_PASSWORD}',
            },
            // One database per plugin, as in production; every environment has its own.
            prefix: dbPrefix,
          },
          cache: { store: 'redis', connection: '${RELIABILITY_REDIS_URL}' },
        },
        scaffolder: {
          taskRecovery: {
            enabled: true,
            staleTimeout: { seconds: options.staleTaskSeconds ?? 10 },
          },
        },
        kubernetes,
        collate: {
          azure: arm.backstageConfig(subscriptionId),
          aws: collateAwsTestConfig(aws.endpoint),
          helm: { binary: testEnv.helmBin() },
          terraform: testEnv.terraformConfig(),
          ecr: {
            refreshInterval: { seconds: options.ecrRefreshSeconds ?? 3600 },
          },
        },
      }),
    );
    const replicas = await startBackendReplicas({
      count: 2,
      logDir,
      configFiles: ({ url, port, index }) => {
        const own = join(logDir, `replica-${index}.yaml`);
        mkdirSync(workingDirectory(index), { recursive: true });
        writeFileSync(
          own,
          stringify({
            app: { baseUrl: url },
            backend: {
              baseUrl: url,
              listen: { port, host: '127.0.0.1' },
              cors: { origin: url },
              workingDirectory: workingDirectory(index),
            },
          }),
        );
        return [join(REPO_ROOT, 'app-config.yaml'), shared, own];
      },
      env: {
        RELIABILITY_PG_PASSWORD: pg.password,
        RELIABILITY_REDIS_URL: testEnv.redisUrl(),
        LOG_LEVEL: 'info',
        // The guest sign-in of app-config.yaml, for the run's user token.
        NODE_ENV: 'development',
      },
    });
    closers.push(() => replicas.close());
    const token = await guestToken(replicas.url);
    return {
      replicas,
      apiServer,
      apiRequests: counted,
      arm,
      aws,
      subscriptionId,
      aksCluster,
      eksCluster,
      suffix,
      token,
      logDir,
      workingDirectory,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
