import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify as toYaml } from 'yaml';
import { claimExisting, DEPLOYMENT_MARKER } from '../markers';
import { Helm } from './Helm';
import { planRelease } from './plan';
import { helmTime, type HelmPlan, type InstallOptions } from './types';
import { withReleaseLock } from './lock';
import { redactChanges, redactValues } from '../redact';

/**
 * Installs or upgrades one release, idempotently: a release whose chart and values are already what is asked for
 * is left alone (no new revision); one left `pending-*` or `failed` is recovered first. In dry-run, logs the plan
 * (with the value diff, secrets redacted) and renders the chart to validate it, changing nothing.
 */
export async function ensureRelease(options: {
  config: Config;
  kc: KubeConfig;
  logger: LoggerService;
  dryRun: boolean;
  install: InstallOptions;
  checkpoint: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
}): Promise<{
  revision: number;
  action: HelmPlan['action'];
  /** When the release's current revision was deployed (ISO 8601); in dry-run, the current one's if any. */
  deployedAt?: string;
}> {
  const helm = await Helm.create(options.config, options.kc, options.logger);
  try {
    const plan = await planRelease(helm, options.install);
    const install = await claimRelease(helm, options, plan);
    const { logger } = options;
    const claimed = { ...options, install };
    // A plan, or a release that is already as asked for: read-only, no lock, no write.
    if (options.dryRun || (plan.action === 'unchanged' && !plan.recovery))
      return await carryOut(helm, claimed, plan);
    // Changes are made under the release's lock: a second run for the same release waits for the first, then finds
    // the release as the first left it (and a `pending-*` one left by a run that died, not one in progress).
    return await withReleaseLock(
      {
        kc: options.kc,
        namespace: install.namespace,
        release: install.release,
        logger,
      },
      async () => {
        // Planned again only when the release changed meanwhile.
        const now = await helm.release(install.release, install.namespace);
        const same =
          now?.revision === plan.current?.revision &&
          now?.status === plan.current?.status;
        return carryOut(
          helm,
          claimed,
          same ? plan : await planRelease(helm, install),
        );
      },
    );
  } finally {
    await helm.close();
  }
}

/**
 * The install as this deployment may make it: a release of another deployment (or of nobody) is refused with an
 * InputError, unless the step adopts it: then it is used as it is and not marked (Helm would merge the marker into
 * its labels). Checked before any lock or write, in dry-run too.
 */
async function claimRelease(
  helm: Helm,
  options: Parameters<typeof ensureRelease>[0],
  plan: HelmPlan,
): Promise<InstallOptions> {
  const { install, logger } = options;
  const deployment = install.labels?.[DEPLOYMENT_MARKER];
  if (!deployment || !plan.current || plan.recovery) return install;
  const current = (
    await helm.releaseMetadata(install.release, install.namespace)
  ).labels;
  const owned = claimExisting(
    logger,
    `Helm release ${install.namespace}/${install.release}`,
    deployment,
    current[DEPLOYMENT_MARKER],
    Boolean(install.adopt),
  );
  return owned ? install : { ...install, labels: undefined };
}

/** Logs the plan and, unless in dry-run or unchanged, makes the change. */
async function carryOut(
  helm: Helm,
  options: Parameters<typeof ensureRelease>[0],
  plan: HelmPlan,
): ReturnType<typeof ensureRelease> {
  const { install, logger } = options;
  const { labels } = install;
  const VERBS = {
    install: ['would install', 'installing'],
    upgrade: ['would upgrade', 'upgrading'],
    unchanged: ['unchanged', 'unchanged'],
  } as const;
  const verb = VERBS[plan.action][options.dryRun ? 0 : 1];
  const chart = `chart ${plan.chart.name} ${plan.chart.version}, app ${
    plan.chart.appVersion ?? 'unknown'
  }`;
  const recovery = plan.recovery
    ? `, after ${
        plan.recovery === 'rollback' ? 'rolling back' : 'uninstalling'
      } the ${plan.current?.status} release`
    : '';
  const diff = redactChanges(plan.valueChanges);
  const changes = Object.entries(diff)
    .map(
      ([p, c]) =>
        `${p}: ${JSON.stringify(c.current)} -> ${JSON.stringify(c.desired)}`,
    )
    .join('; ');
  logger.info(
    `${verb} Helm release ${install.namespace}/${
      install.release
    } (${chart})${recovery}${changes ? `: ${changes}` : ''}`,
  );
  if (options.dryRun) {
    // The values the release would get, as YAML, with anything secret-looking redacted.
    logger.info(
      `values of ${install.release}:\n${toYaml(redactValues(install.values))}`,
    );
    await helm.template(install);
    return {
      revision: Number(plan.current?.revision ?? 0),
      action: plan.action,
      deployedAt: helmTime(plan.current?.updated),
    };
  }
  if (plan.action === 'unchanged')
    return {
      revision: Number(plan.current!.revision),
      action: 'unchanged',
      deployedAt: helmTime(plan.current!.updated),
    };
  const revision = await options.checkpoint(
    // One install per release and step: a recovered task that already installed it skips straight on.
    `helm.${install.namespace}.${install.release}`,
    async () => {
      await helm.recover(plan, install);
      const release = await helm.upgradeInstall({ ...install, labels });
      if (release.status !== 'deployed')
        throw new Error(
          `Helm release ${install.release} is ${release.status} after install`,
        );
      return Number(release.revision);
    },
  );
  const deployed = await helm.release(install.release, install.namespace);
  return {
    revision,
    action: plan.action,
    deployedAt: helmTime(deployed?.updated),
  };
}
