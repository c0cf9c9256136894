import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { AppsV1Api, CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { Client as PgClient } from 'pg';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import type { AzureClients } from '../lib/azure';
import { resolveSubscription } from '../lib/azure';
import { awsClientConfig } from '../lib/aws';
import { clusterInput, kubeMessage } from '../lib/kubernetes';
import type { ClusterActionOptions } from '../lib/kubernetes';
import {
  assertAksName,
  assertEksClusterName,
  assertResourceGroup,
  fail,
} from '../lib/validation';
import { examples } from './preflight.examples';
import { withDefaults } from '../lib/defaults';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  reason: string;
}

/** The guides' requirements: guide 000/001 for the server topology, guide 002 for the Hybrid Runner. */
export const REQUIREMENTS = {
  server: { kubernetes: [1, 24], workers: 3, cpu: 4, memoryGi: 16 },
  runner: { kubernetes: [1, 28], workers: 2, cpu: 2, memoryGi: 8 },
} as const;

const MIN_POSTGRES = 12;
const MIN_MYSQL = [8, 0];
const SEARCH_SUPPORTED = { opensearch: '3.4', elasticsearch: '9.3.0' };

/** Kubernetes quantities as numbers: cpu in cores, memory in GiB. */
export function cpuCores(q: string | undefined): number {
  if (!q) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
export function memoryGi(q: string | undefined): number {
  if (!q) return 0;
  const m = q.match(/^(\d+(?:\.\d+)?)([KMGTE]i?|[kmgte])?$/);
  if (!m) return 0;
  const factor: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(m[1]) * (m[2] ? factor[m[2]] ?? 1 : 1)) / 2 ** 30;
}

/** Judges a MySQL server from `SELECT VERSION()` and `@@sql_generate_invisible_primary_key`. */
export function judgeMysql(
  version: string,
  gipk: number | string | null,
): PreflightCheck {
  const [major, minor] = version.split(/[.-]/).map(Number);
  if (
    major < MIN_MYSQL[0] ||
    (major === MIN_MYSQL[0] && minor < MIN_MYSQL[1])
  ) {
    return {
      name: 'database',
      status: 'fail',
      reason: `MySQL ${version} is older than the required 8.0`,
    };
  }
  if (
    gipk !== null &&
    gipk !== undefined &&
    String(gipk) !== '0' &&
    String(gipk).toUpperCase() !== 'OFF'
  ) {
    return {
      name: 'database',
      status: 'fail',
      reason: `MySQL ${version} has sql_generate_invisible_primary_key ON; Collate needs it OFF (on Azure Flexible Server, set the server parameter)`,
    };
  }
  return {
    name: 'database',
    status: 'pass',
    reason: `MySQL ${version}, sql_generate_invisible_primary_key OFF`,
  };
}

export function judgePostgres(version: string): PreflightCheck {
  const major = Number(version.split(/[.\s]/)[0]);
  return major >= MIN_POSTGRES
    ? { name: 'database', status: 'pass', reason: `PostgreSQL ${version}` }
    : {
        name: 'database',
        status: 'fail',
        reason: `PostgreSQL ${version} is older than the required ${MIN_POSTGRES}`,
      };
}

export function judgeSearch(
  distribution: string,
  version: string,
): PreflightCheck {
  const kind = distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const supported = SEARCH_SUPPORTED[kind];
  const major = Number(version.split('.')[0]);
  const label = kind === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  return major >= Number(supported.split('.')[0])
    ? { name: 'search', status: 'pass', reason: `${label} ${version}` }
    : {
        name: 'search',
        status: 'warn',
        reason: `${label} ${version}; the guides support ${label} ${supported}`,
      };
}

/**
 * `collate:preflight`: read-only checks before a deployment, each pass/warn/fail with a reason.
 * @public
 */
export function createCollatePreflightAction(
  options: ClusterActionOptions & { azure: AzureClients },
) {
  return createTemplateAction({
    id: 'collate:preflight',
    description:
      'Read-only checks before deploying Collate or the Hybrid Runner: Kubernetes version, worker sizing, AKS OIDC/workload identity or EKS OIDC provider, database engine and version, search engine version, existing Argo. Fails on a blocking failure unless failOnError is false.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        target: z =>
          z
            .enum(['server', 'runner'])
            .default('server')
            .describe(
              'What will be deployed: the Collate server (guides 000/001) or the Hybrid Runner (guide 002)',
            ),
        azure: z =>
          z
            .object({
              subscriptionId: z.string().optional(),
              resourceGroup: z.string(),
              clusterName: z.string(),
              enabledLater: z
                .boolean()
                .optional()
                .describe(
                  'A later step (collate:azure:aks:workload-identity with enable: true) turns them on: report them off as a warning',
                ),
            })
            .optional()
            .describe(
              'The AKS cluster, to check its OIDC issuer and workload identity',
            ),
        aws: z =>
          z
            .object({ clusterName: z.string(), region: z.string().optional() })
            .optional()
            .describe('The EKS cluster, to check its IAM OIDC provider'),
        database: z =>
          z
            .object({
              engine: z.enum(['postgresql', 'mysql']),
              host: z.string(),
              port: z.number().int().min(1).max(65535),
              user: z.string(),
              password: z.string().optional(),
              database: z.string().optional(),
              ssl: z.boolean().default(false),
            })
            .optional()
            .describe(
              'The database, when reachable from the portal (password: ${{ secrets.databasePassword }})',
            ),
        search: z =>
          z
            .object({
              url: z.string().url(),
              username: z.string().optional(),
              password: z.string().optional(),
            })
            .optional()
            .describe('The search engine, when reachable from the portal'),
        failOnError: z =>
          z
            .boolean()
            .default(true)
            .describe('Fail the step when a check fails'),
      },
      output: {
        passed: z => z.boolean().describe('No check failed'),
        checks: z =>
          z
            .array(
              z.object({
                name: z.string(),
                status: z.enum(['pass', 'warn', 'fail']),
                reason: z.string(),
              }),
            )
            .describe('Every check with its result'),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, {
        target: 'server' as const,
        failOnError: true,
      });
      if (input.azure) {
        assertResourceGroup('azure.resourceGroup', input.azure.resourceGroup);
        assertAksName('azure.clusterName', input.azure.clusterName);
      }
      if (input.aws)
        assertEksClusterName('aws.clusterName', input.aws.clusterName);
      if (input.database && !/^[A-Za-z0-9.-]+$/.test(input.database.host))
        fail('database.host', `'${input.database.host}' is not a host name`);
      const req = REQUIREMENTS[input.target];
      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const checks: PreflightCheck[] = [];
      const check = async (
        name: string,
        fn: () => Promise<PreflightCheck>,
        unreachable: CheckStatus = 'fail',
      ) => {
        try {
          checks.push(await fn());
        } catch (e) {
          checks.push({
            name,
            status: unreachable,
            reason: `could not check: ${kubeMessage(e).split('\n')[0]}`,
          });
        }
      };

      await check('kubernetes-version', async () => {
        const v = await kc.makeApiClient(VersionApi).getCode();
        const major = Number(v.major);
        const minor = Number(String(v.minor).replace(/\D.*$/, ''));
        const [rMajor, rMinor] = req.kubernetes;
        const ok = major > rMajor || (major === rMajor && minor >= rMinor);
        return {
          name: 'kubernetes-version',
          status: ok ? 'pass' : 'fail',
          reason: `Kubernetes ${v.gitVersion}${
            ok
              ? ''
              : `; ${
                  input.target === 'runner' ? 'the Hybrid Runner' : 'Collate'
                } needs ${rMajor}.${rMinor} or later`
          }`,
        };
      });

      await check(
        'worker-nodes',
        async () => {
          const nodes = await kc
            .makeApiClient(CoreV1Api)
            .listNode({ limit: 500 });
          const workers = nodes.items.filter(
            n =>
              !(
                'node-role.kubernetes.io/control-plane' in
                (n.metadata?.labels ?? {})
              ) && !n.spec?.unschedulable,
          );
          const sized = workers.filter(
            n =>
              cpuCores(n.status?.allocatable?.cpu) >= req.cpu * 0.9 &&
              memoryGi(n.status?.allocatable?.memory) >= req.memoryGi * 0.85,
          );
          const ok = sized.length >= req.workers;
          return {
            name: 'worker-nodes',
            status: ok ? 'pass' : 'warn',
            reason: `${sized.length} of ${workers.length} worker nodes have at least ${req.cpu} vCPU and ${req.memoryGi} GiB; the guide asks for ${req.workers}`,
          };
        },
        'warn',
      );

      if (input.azure) {
        const { resourceGroup, clusterName } = input.azure;
        await check('aks-workload-identity', async () => {
          const aks = options.azure.containerService(
            resolveSubscription(options.azure, input.azure!.subscriptionId),
          );
          const c = await aks.managedClusters.get(resourceGroup, clusterName);
          const oidc = Boolean(c.oidcIssuerProfile?.enabled);
          const wi = Boolean(c.securityProfile?.workloadIdentity?.enabled);
          return oidc && wi
            ? {
                name: 'aks-workload-identity',
                status: 'pass',
                reason: `OIDC issuer ${c.oidcIssuerProfile?.issuerURL} and workload identity enabled`,
              }
            : {
                name: 'aks-workload-identity',
                status: input.azure!.enabledLater ? 'warn' : 'fail',
                reason: `OIDC issuer ${
                  oidc ? 'on' : 'off'
                }, workload identity ${
                  wi ? 'on' : 'off'
                }: az aks update --resource-group ${resourceGroup} --name ${clusterName} --enable-oidc-issuer --enable-workload-identity (or collate:azure:aks:workload-identity with enable: true)`,
              };
        });
      }

      if (input.aws) {
        const { clusterName, region } = input.aws;
        await check('eks-oidc-provider', async () => {
          const cfg = awsClientConfig(options.config, region);
          const { cluster } = await new EKSClient(cfg).send(
            new DescribeClusterCommand({ name: clusterName }),
          );
          const issuer = cluster?.identity?.oidc?.issuer?.replace(
            /^https:\/\//,
            '',
          );
          if (!issuer)
            return {
              name: 'eks-oidc-provider',
              status: 'fail',
              reason: `EKS cluster ${clusterName} has no OIDC issuer`,
            };
          const { OpenIDConnectProviderList = [] } = await new IAMClient(
            cfg,
          ).send(new ListOpenIDConnectProvidersCommand({}));
          return OpenIDConnectProviderList.some(p =>
            p.Arn?.endsWith(`:oidc-provider/${issuer}`),
          )
            ? {
                name: 'eks-oidc-provider',
                status: 'pass',
                reason: `IAM OIDC provider for ${issuer} exists`,
              }
            : {
                name: 'eks-oidc-provider',
                status: 'warn',
                reason: `no IAM OIDC provider for ${issuer} yet; collate:aws:eks:oidc-provider creates it`,
              };
        });
      }

      if (input.database) {
        const db = input.database;
        await check(
          'database',
          async () => {
            if (db.engine === 'postgresql') {
              const client = new PgClient({
                // ssl defaults to off, as its schema says

                host: db.host,
                port: db.port,
                user: db.user,
                password: db.password,
                database: db.database ?? 'postgres',
                ssl: db.ssl ? { rejectUnauthorized: true } : undefined,
                connectionTimeoutMillis: 5000,
              });
              await client.connect();
              try {
                const { rows } = await client.query<{ server_version: string }>(
                  'SHOW server_version',
                );
                return judgePostgres(rows[0].server_version);
              } finally {
                await client.end();
              }
            }
            const conn = await createMysqlConnection({
              host: db.host,
              port: db.port,
              user: db.user,
              password: db.password,
              database: db.database,
              ssl: db.ssl ? {} : undefined,
              connectTimeout: 5000,
            });
            try {
              const [versionRows] = await conn.query('SELECT VERSION() AS v');
              const version = (versionRows as Array<{ v: string }>)[0].v;
              const [gipkRows] = await conn.query(
                "SHOW VARIABLES LIKE 'sql_generate_invisible_primary_key'",
              );
              const gipk =
                (gipkRows as Array<{ Value: string }>)[0]?.Value ?? null;
              return judgeMysql(version, gipk);
            } finally {
              await conn.end();
            }
          },
          'warn',
        );
      }

      if (input.search) {
        const search = input.search;
        await check(
          'search',
          async () => {
            const headers: Record<string, string> = {};
            if (search.username)
              headers.Authorization = `Basic ${Buffer.from(
                `${search.username}:${search.password ?? ''}`,
              ).toString('base64')}`;
            const res = await fetch(search.url, {
              headers,
              signal: AbortSignal.timeout(5000),
            });
            if (!res.ok)
              return {
                name: 'search',
                status: 'warn',
                reason: `${search.url} answered HTTP ${res.status}`,
              };
            const body = (await res.json()) as {
              version?: { number?: string; distribution?: string };
            };
            if (!body.version?.number)
              return {
                name: 'search',
                status: 'warn',
                reason: `${search.url} does not look like OpenSearch or Elasticsearch`,
              };
            return judgeSearch(
              body.version.distribution ?? 'elasticsearch',
              body.version.number,
            );
          },
          'warn',
        );
      }

      await check(
        'argo',
        async () => {
          const deployments = await kc
            .makeApiClient(AppsV1Api)
            .listDeploymentForAllNamespaces({
              labelSelector: 'app.kubernetes.io/part-of=argo-workflows',
              limit: 50,
            });
          // Every workflow controller in the cluster, with its version (the image tag).
          const found = deployments.items.flatMap(d => {
            const image = d.spec?.template.spec?.containers.find(c =>
              /workflow-controller/.test(c.image ?? ''),
            )?.image;
            return image
              ? [
                  {
                    version: image.split(':').pop() ?? 'unknown',
                    where: `${d.metadata?.namespace}/${d.metadata?.name}`,
                  },
                ]
              : [];
          });
          if (found.length === 0) {
            return {
              name: 'argo',
              status: 'pass',
              reason: 'no Argo Workflows installed; it will be installed',
            };
          }
          const list = found.map(f => `${f.version} (${f.where})`).join(', ');
          const off = found.filter(f => !/^v?3\.7\./.test(f.version));
          return off.length === 0
            ? {
                name: 'argo',
                status: 'pass',
                reason: `Argo Workflows found: ${list}`,
              }
            : {
                name: 'argo',
                status: 'warn',
                reason: `Argo Workflows found: ${list}; the guides target 3.7.1`,
              };
        },
        'warn',
      );

      for (const c of checks) {
        const log = c.status === 'pass' ? ctx.logger.info : ctx.logger.warn;
        log.call(
          ctx.logger,
          `${c.status.toUpperCase()} ${c.name}: ${c.reason}`,
        );
      }
      const failed = checks.filter(c => c.status === 'fail');
      ctx.output('checks', checks);
      ctx.output('passed', failed.length === 0);
      if (failed.length > 0 && input.failOnError) {
        throw new Error(
          `Preflight failed: ${failed
            .map(c => `${c.name}: ${c.reason}`)
            .join('; ')}`,
        );
      }
    },
  });
}
