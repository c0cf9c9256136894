import { clusterInput } from '../kubernetes';
import type { Config } from '@backstage/config';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { z as zod } from 'zod/v3';
import { assertDnsLabel } from '../validation';
import { redactingLogger, secretValues } from '../redact';
import { ensureRelease } from './release';
import {
  adoptInput,
  assertDeployment,
  DEPLOYMENT_MARKER,
  deploymentInput,
} from '../markers';

/** Where a Helm action installs what: the input every Helm action has. */
export interface ReleaseInput {
  cluster: string;
  namespace: string;
  release: string;
  chart: string;
  repo?: string;
  version?: string;
  timeoutSeconds: number;
  /** The deployment the release is installed for: its ownership marker (a release label). */
  deployment?: string;
  /** Use an existing release without the deployment's marker as it is (see adoptInput). */
  adopt?: boolean;
}

export interface ReleaseDefaults {
  namespace: string;
  release: string;
  chart: string;
  /** The chart repository; none for charts that only come from a given repo or path. */
  repo?: string;
  version?: string;
  timeoutSeconds: number;
  /** How the chart's source is described to users. */
  chartDescription: string;
  /** For a version that has no fixed default but is derived from other input: how it is derived. */
  versionDescription?: string;
}

/** The zod-callback schema of ReleaseInput, documented with one action's defaults. */
export function releaseInputSchema(d: ReleaseDefaults) {
  return {
    cluster: clusterInput,
    namespace: (z: typeof zod) =>
      z
        .string()
        .default(d.namespace)
        .describe(`Namespace (default ${d.namespace})`),
    release: (z: typeof zod) =>
      z
        .string()
        .default(d.release)
        .describe(`Release name (default ${d.release})`),
    chart: (z: typeof zod) =>
      z
        .string()
        .default(d.chart)
        .describe(`${d.chartDescription}, or a local chart path`),
    repo: (z: typeof zod) =>
      z
        .string()
        .optional()
        .describe(
          d.repo
            ? `Chart repository URL (default ${d.repo}); empty for a local chart path`
            : 'Chart repository URL; empty for a local chart path',
        ),
    version: (z: typeof zod) =>
      (d.version
        ? z.string().default(d.version)
        : z.string().optional()
      ).describe(
        d.version
          ? `Chart version (default ${d.version})`
          : d.versionDescription ?? 'Chart version; default the latest',
      ),
    timeoutSeconds: (z: typeof zod) =>
      z
        .number()
        .int()
        .min(30)
        .max(3600)
        .default(d.timeoutSeconds)
        .describe('Helm --timeout'),
    deployment: deploymentInput,
    adopt: adoptInput,
  };
}

export function validateReleaseInput(input: ReleaseInput): void {
  assertDnsLabel('namespace', input.namespace);
  assertDnsLabel('release', input.release);
  assertDeployment(input.deployment);
}

/** The repository to pass to helm: the default when not given, none when given empty (a local chart path). */
export function chartRepo(
  given: string | undefined,
  defaultRepo: string | undefined,
): string | undefined {
  return given === undefined ? defaultRepo : given || undefined;
}

/** Installs the release for an action (see ensureRelease); returns its revision and when it was deployed. */
export async function installRelease(
  ctx: ActionContext<any, any>,
  options: {
    config: Config;
    kc: KubeConfig;
    input: ReleaseInput;
    repo: string | undefined;
    values: Record<string, unknown>;
    checkpointPrefix: string;
    /** Secret values the action was given besides the task's secrets: never shown in a plan, diff or log. */
    secretValues?: string[];
  },
): Promise<{ revision: number; deployedAt?: string }> {
  const { input } = options;
  const { revision, deployedAt } = await ensureRelease({
    config: options.config,
    kc: options.kc,
    logger: redactingLogger(
      ctx.logger,
      secretValues(ctx.secrets, ...(options.secretValues ?? [])),
    ),
    dryRun: Boolean(ctx.isDryRun),
    install: {
      release: input.release,
      namespace: input.namespace,
      chart: input.chart,
      repo: options.repo,
      version: input.version,
      values: options.values,
      timeoutSeconds: input.timeoutSeconds,
      ...(input.deployment
        ? { labels: { [DEPLOYMENT_MARKER]: input.deployment } }
        : {}),
      ...(input.adopt ? { adopt: true } : {}),
    },
    checkpoint: (key, fn) =>
      ctx.checkpoint({
        key: `${options.checkpointPrefix}.${input.cluster}.${key}`,
        fn: fn as () => Promise<any>,
      }),
  });
  return { revision, ...(deployedAt ? { deployedAt } : {}) };
}
