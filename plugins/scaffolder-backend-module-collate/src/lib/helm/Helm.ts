import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { setHelmRevisionStatus } from './record';
import { startHeartbeat } from '../heartbeat';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { childEnv } from '../childEnv';
import type {
  ChartMetadata,
  ChartRef,
  HelmPlan,
  HelmRelease,
  InstallOptions,
  ReleaseMetadata,
} from './types';

const RUN_TIMEOUT_GRACE_MS = 60_000;

/**
 * Runs the helm binary (`collate.helm.binary`, default `helm` on PATH) against one cluster. The kubeconfig and
 * every values file live in a private temporary directory (mode 0700, files 0600) that `close()` removes; values
 * never travel on the command line.
 */
export class Helm {
  private constructor(
    private readonly binary: string,
    private readonly dir: string,
    private readonly logger: LoggerService,
    /** The child's whole environment: an allow-list, never the backend's own (see childEnv). */
    private readonly env: NodeJS.ProcessEnv,
    private readonly kc: KubeConfig,
  ) {}

  static async create(
    config: Config,
    kc: KubeConfig,
    logger: LoggerService,
  ): Promise<Helm> {
    const binary = config.getOptionalString('collate.helm.binary') ?? 'helm';
    const dir = await mkdtemp(join(tmpdir(), 'collate-helm-'));
    await writeFile(join(dir, 'kubeconfig'), kc.exportConfig(), {
      mode: 0o600,
    });
    const env = childEnv(config, 'helm', {
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'),
    });
    return new Helm(binary, dir, logger, env, kc);
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private run(args: string[], timeoutMs = 120_000): Promise<string> {
    // helm prints nothing until it is done; while it waits for the release's pods the log says so.
    const waitFor = args.indexOf('--timeout');
    const heartbeat = args.includes('--wait')
      ? startHeartbeat(
          this.logger,
          s =>
            `still waiting for helm ${args[0]} of ${
              args[0] === 'upgrade' ? args[2] : args[1]
            } (its resources ready): ${s} s of at most ${args[
              waitFor + 1
            ]?.replace(/s$/, '')} s`,
        )
      : undefined;
    return new Promise<string>((resolve, reject) => {
      execFile(
        this.binary,
        [...args, '--kubeconfig', join(this.dir, 'kubeconfig')],
        {
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          env: this.env,
        },
        (error, stdout, stderr) => {
          if (error && !stderr.trim() && (error.killed || error.signal)) {
            // Stopped from outside (its time-out, or a signal): say so instead of repeating the command line.
            reject(
              new Error(
                `helm ${args[0]} was stopped (${
                  error.signal ?? 'killed'
                }) before it finished; a release it left pending is recovered by the next run`,
              ),
            );
          } else if (error) {
            const message = String(stderr || error.message)
              .trim()
              .split('\n')
              .slice(-5)
              .join('\n');
            reject(new Error(`helm ${args[0]} failed: ${message}`));
          } else {
            resolve(stdout);
          }
        },
      );
    }).finally(() => heartbeat?.stop());
  }

  async release(
    name: string,
    namespace: string,
  ): Promise<HelmRelease | undefined> {
    const out = await this.run([
      'list',
      '--namespace',
      namespace,
      // Every state (Helm 4 has no --all): a pending or failed release must be seen to be recovered.
      '--deployed',
      '--failed',
      '--pending',
      '--superseded',
      '--uninstalling',
      '--filter',
      `^${name}$`,
      '--output',
      'json',
    ]);
    return (JSON.parse(out || '[]') as HelmRelease[]).find(
      r => r.name === name,
    );
  }

  async userValues(
    name: string,
    namespace: string,
  ): Promise<Record<string, unknown>> {
    const out = await this.run([
      'get',
      'values',
      name,
      '--namespace',
      namespace,
      '--output',
      'json',
    ]);
    return (JSON.parse(out || 'null') as Record<string, unknown> | null) ?? {};
  }

  /** A release's metadata (`helm get metadata`): its chart's name and version apart, and its release labels. */
  async releaseMetadata(
    name: string,
    namespace: string,
  ): Promise<ReleaseMetadata> {
    const out = await this.run([
      'get',
      'metadata',
      name,
      '--namespace',
      namespace,
      '--output',
      'json',
    ]);
    const meta = JSON.parse(out || '{}') as Partial<ReleaseMetadata>;
    return {
      chart: meta.chart ?? '',
      version: meta.version ?? '',
      appVersion: meta.appVersion ?? '',
      labels: meta.labels ?? {},
    };
  }

  /** `helm uninstall --wait`: the release's objects and its history. */
  async uninstall(
    name: string,
    namespace: string,
    timeoutSeconds: number,
  ): Promise<void> {
    await this.run(
      [
        'uninstall',
        name,
        '--namespace',
        namespace,
        '--wait',
        '--timeout',
        `${timeoutSeconds}s`,
      ],
      timeoutSeconds * 1000 + RUN_TIMEOUT_GRACE_MS,
    );
  }

  async history(
    name: string,
    namespace: string,
  ): Promise<Array<{ revision: number; status: string }>> {
    const out = await this.run([
      'history',
      name,
      '--namespace',
      namespace,
      '--output',
      'json',
    ]);
    return JSON.parse(out || '[]');
  }

  /** The chart a release would get: name, version and app version from its Chart.yaml. */
  async chartMetadata(ref: ChartRef): Promise<ChartMetadata> {
    const out = await this.run(['show', 'chart', ref.chart, ...chartArgs(ref)]);
    const meta = (parseYaml(out) ?? {}) as Record<string, unknown>;
    return {
      name: String(meta.name),
      version: String(meta.version),
      ...(meta.appVersion !== undefined
        ? { appVersion: String(meta.appVersion) }
        : {}),
    };
  }

  /** Renders the chart with the values (no cluster changes), for dry-run plans. */
  async template(options: InstallOptions): Promise<string> {
    const values = await this.valuesFile(options.values);
    return this.run([
      'template',
      options.release,
      options.chart,
      '--namespace',
      options.namespace,
      '--values',
      values,
      ...chartArgs(options),
    ]);
  }

  /** Puts a release left pending or failed back into a state `upgrade --install` can work from. */
  async recover(plan: HelmPlan, options: InstallOptions): Promise<void> {
    if (!plan.recovery || !plan.current) return;
    if (plan.recovery === 'uninstall') {
      this.logger.warn(
        `release ${options.release} is ${plan.current.status} with no deployed revision: uninstalling it first`,
      );
      await this.run([
        'uninstall',
        options.release,
        '--namespace',
        options.namespace,
        '--wait',
        '--timeout',
        `${options.timeoutSeconds}s`,
      ]);
      return;
    }
    const history = await this.history(options.release, options.namespace);
    const last = [...history]
      .reverse()
      .find(h => h.status === 'deployed' || h.status === 'superseded');
    this.logger.warn(
      `release ${options.release} is ${
        plan.current.status
      }: rolling back to revision ${last!.revision} first`,
    );
    await this.run(
      [
        'rollback',
        options.release,
        String(last!.revision),
        '--namespace',
        options.namespace,
        '--wait',
        '--timeout',
        `${options.timeoutSeconds}s`,
      ],
      options.timeoutSeconds * 1000 + RUN_TIMEOUT_GRACE_MS,
    );
    // Helm 4's rollback leaves the interrupted revision's record pending for ever (`helm history` would show an
    // operation in progress that no one runs): it is recorded as what it was, a failed upgrade.
    await setHelmRevisionStatus(this.kc.makeApiClient(CoreV1Api), {
      namespace: options.namespace,
      release: options.release,
      revision: Number(plan.current.revision),
      status: 'failed',
      description: `Interrupted (${
        plan.current.status
      }); rolled back to revision ${last!.revision}`,
    });
  }

  /** `helm upgrade --install --wait --rollback-on-failure`; returns the release afterwards. */
  async upgradeInstall(options: InstallOptions): Promise<HelmRelease> {
    const values = await this.valuesFile(options.values);
    await this.run(
      [
        'upgrade',
        '--install',
        options.release,
        options.chart,
        '--namespace',
        options.namespace,
        '--create-namespace',
        '--values',
        values,
        '--wait',
        '--rollback-on-failure',
        '--timeout',
        `${options.timeoutSeconds}s`,
        ...(options.labels && Object.keys(options.labels).length
          ? [
              '--labels',
              Object.entries(options.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
            ]
          : []),
        ...chartArgs(options),
      ],
      options.timeoutSeconds * 1000 + RUN_TIMEOUT_GRACE_MS,
    );
    return (await this.release(options.release, options.namespace))!;
  }

  private async valuesFile(values: Record<string, unknown>): Promise<string> {
    const file = join(
      this.dir,
      `values-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`,
    );
    await writeFile(file, toYaml(values), { mode: 0o600 });
    return file;
  }
}

function chartArgs(ref: ChartRef): string[] {
  return [
    ...(ref.repo ? ['--repo', ref.repo] : []),
    ...(ref.version ? ['--version', ref.version] : []),
  ];
}
