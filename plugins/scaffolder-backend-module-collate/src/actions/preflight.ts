import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { AzureClients } from '../lib/azure';
import { clusterInput, kubeMessage } from '../lib/kubernetes';
import type { ClusterActionOptions } from '../lib/kubernetes';
import {
  PREFLIGHT_CHECKS,
  type PreflightCheck,
  type PreflightEnvironment,
} from '../lib/preflight';
import {
  assertAksName,
  assertEksClusterName,
  assertResourceGroup,
  DNS1123_LABEL,
  fail,
} from '../lib/validation';
import { examples } from './preflight.examples';
import { withDefaults } from '../lib/defaults';

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
      'Read-only checks before deploying Collate or the Hybrid Runner: Kubernetes version, worker sizing, AKS OIDC/workload identity or EKS OIDC provider, database engine and version, search engine version, and an existing Argo Workflows against the Argo lines the Collate version is known to run with. Fails on a blocking failure unless failOnError is false.',
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
        collateVersion: z =>
          z
            .string()
            .regex(
              /^(om-)?\d+\.\d+\.\d+([-.][A-Za-z0-9_.-]{0,100})?$/,
              'a Collate version (1.12.3) or an image tag that names one (om-1.12.3-cl-1.12.3)',
            )
            .optional()
            .describe(
              "The Collate version to deploy, or the image tag that names it (1.12.3, om-1.12.3-cl-1.12.3): an Argo Workflows already in the cluster is judged against the Argo lines that version is known to run with. The guides' 1.12.3 when absent",
            ),
        argoNamespace: z =>
          z
            .string()
            .regex(DNS1123_LABEL, 'a Kubernetes namespace name')
            .optional()
            .describe(
              "The namespace of the Argo Workflows the deployment's ingestion will run on: an Argo already there is judged against the Collate version. Every Argo in the cluster when absent",
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
      const env: PreflightEnvironment = {
        input,
        kubeConfig: await options.clusters.serverKubeConfig(input.cluster),
        azure: options.azure,
        config: options.config,
      };
      const checks: PreflightCheck[] = [];
      for (const check of PREFLIGHT_CHECKS.filter(c => c.applies(input))) {
        try {
          checks.push(await check.run(env));
        } catch (e) {
          checks.push({
            name: check.name,
            status: check.unreachable,
            reason: `could not check: ${kubeMessage(e).split('\n')[0]}`,
          });
        }
      }

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
