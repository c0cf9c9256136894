import { COLLATE_PULL_SECRET_MARKS } from '@collate-backstage/plugin-collate-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1Secret,
} from '@kubernetes/client-node';
import { applyObjects } from '../lib/apply';
import { awsClientConfig } from '../lib/aws';
import { kubeStatus, type ClusterAccess } from '../lib/kubernetes';
import type { PullSecretStore } from './pullSecretStore';

/** Labels and annotations that mark a pull secret as kept fresh by this module. */
export const ECR_LABELS = {
  managedBy: COLLATE_PULL_SECRET_MARKS.managedByLabel,
  registry: COLLATE_PULL_SECRET_MARKS.registryLabel,
};
export const ECR_ANNOTATIONS = {
  expiresAt: COLLATE_PULL_SECRET_MARKS.expiresAtAnnotation,
};
export const MANAGED_BY = COLLATE_PULL_SECRET_MARKS.managedBy;

/** ECR tokens live 12 hours; a secret with less than this left is renewed. */
export const RENEW_BEFORE_MS = 6 * 60 * 60 * 1000;

const REGISTRY =
  /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com(\.cn)?$/;

export function parseRegistry(
  registry: string,
): { accountId: string; region: string } | undefined {
  const m = registry.match(REGISTRY);
  return m ? { accountId: m[1], region: m[2] } : undefined;
}

/** Collate's registry, the guides' (`118146679784.dkr.ecr.eu-west-1.amazonaws.com`). */
export const GUIDE_ECR_REGISTRY =
  '118146679784.dkr.ecr.eu-west-1.amazonaws.com';

/**
 * `collate.ecr.allowedRegistries`: the registries the backend hands ECR tokens for; the guides' Collate registry
 * when not configured.
 */
export function allowedRegistries(config: Config): string[] {
  return (
    config.getOptionalStringArray('collate.ecr.allowedRegistries') ?? [
      GUIDE_ECR_REGISTRY,
    ]
  );
}

/**
 * AWS client config for the registry: `collate.ecr.credentials` when Collate's ECR account needs its own
 * credentials (guide 000: the `ecr-collate` profile), else `collate.aws`.
 */
function ecrClient(config: Config, region: string): ECRClient {
  const base = awsClientConfig(config, region);
  const accessKeyId = config.getOptionalString(
    'collate.ecr.credentials.accessKeyId',
  );
  const secretAccessKey = config.getOptionalString(
    'collate.ecr.credentials.secretAccessKey',
  );
  return new ECRClient(
    accessKeyId && secretAccessKey
      ? { ...base, credentials: { accessKeyId, secretAccessKey } }
      : base,
  );
}

/** The docker-registry secret (kubectl create secret docker-registry) for a fresh ECR token. */
export async function ecrSecretObject(
  config: Config,
  options: { registry: string; namespace: string; name: string },
): Promise<{ object: KubernetesObject; expiresAt: Date }> {
  const { accountId, region } = parseRegistry(options.registry)!;
  const { authorizationData } = await ecrClient(config, region).send(
    new GetAuthorizationTokenCommand({ registryIds: [accountId] }),
  );
  const data = authorizationData?.[0];
  if (!data?.authorizationToken)
    throw new Error(
      `ECR returned no authorization token for ${options.registry}`,
    );
  const [username, password] = Buffer.from(data.authorizationToken, 'base64')
    .toString('utf8')
    .split(':');
  // ECR documents 12 hours of validity; a reported expiry that is not in the future (some emulators send a
  // fixed date) is replaced by that.
  const reported = data.expiresAt?.getTime();
  const expiresAt = new Date(
    reported && reported > Date.now()
      ? reported
      : Date.now() + 12 * 60 * 60 * 1000,
  );
  const dockerConfig = {
    auths: {
      [options.registry]: { username, password, auth: data.authorizationToken },
    },
  };
  return {
    expiresAt,
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        name: options.name,
        namespace: options.namespace,
        labels: {
          [ECR_LABELS.managedBy]: MANAGED_BY,
          [ECR_LABELS.registry]: options.registry,
        },
        annotations: { [ECR_ANNOTATIONS.expiresAt]: expiresAt.toISOString() },
      },
      data: {
        '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString(
          'base64',
        ),
      },
    } as KubernetesObject,
  };
}

export function needsRenewal(
  secret: V1Secret | undefined,
  now = Date.now(),
  renewBeforeMs = RENEW_BEFORE_MS,
): boolean {
  const expires = Date.parse(
    secret?.metadata?.annotations?.[ECR_ANNOTATIONS.expiresAt] ?? '',
  );
  return !secret || Number.isNaN(expires) || expires - now < renewBeforeMs;
}

export async function readSecret(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<V1Secret | undefined> {
  try {
    return await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ name, namespace });
  } catch (e) {
    if (kubeStatus(e) === 404) return undefined;
    throw e;
  }
}

/**
 * Renews the pull secrets `collate:aws:ecr:pull-secret` created (recorded in `store`) that expire within
 * RENEW_BEFORE_MS: never a Secret someone else labelled like ours, never for a registry off
 * `collate.ecr.allowedRegistries`. A secret that is gone is forgotten; one that is not ours any more (another type,
 * another registry) is skipped with a warning, and the others are still renewed. Run by the scheduler; returns how
 * many were renewed.
 */
export async function refreshEcrPullSecrets(options: {
  config: Config;
  clusters: ClusterAccess;
  logger: LoggerService;
  store: PullSecretStore;
  now?: number;
  /** Secrets that expire within this are renewed. Default RENEW_BEFORE_MS. */
  renewBeforeMs?: number;
}): Promise<number> {
  const { logger, store } = options;
  const allowed = allowedRegistries(options.config);
  const kubeConfigs = new Map<string, Promise<KubeConfig>>();
  let renewed = 0;
  const records = await store.list();
  for (const record of records) {
    const where = `${record.cluster}/${record.namespace}/${record.name}`;
    try {
      if (!allowed.includes(record.registry)) {
        logger.warn(
          `ECR pull secret ${where} not renewed: ${record.registry} is not under collate.ecr.allowedRegistries`,
        );
        continue;
      }
      if (!kubeConfigs.has(record.cluster))
        kubeConfigs.set(
          record.cluster,
          options.clusters.serverKubeConfig(record.cluster),
        );
      const kc = await kubeConfigs.get(record.cluster)!;
      const secret = await readSecret(kc, record.namespace, record.name);
      if (!secret) {
        await store.remove(record);
        logger.info(`ECR pull secret ${where} is gone: forgotten`);
        continue;
      }
      if (
        secret.type !== 'kubernetes.io/dockerconfigjson' ||
        secret.metadata?.labels?.[ECR_LABELS.registry] !== record.registry
      ) {
        logger.warn(
          `ECR pull secret ${where} not renewed: it is not the ${record.registry} pull secret the action created any more`,
        );
        continue;
      }
      if (!needsRenewal(secret, options.now, options.renewBeforeMs)) continue;
      const { object } = await ecrSecretObject(options.config, record);
      await applyObjects(kc, [object], { dryRun: false, logger });
      renewed += 1;
    } catch (e) {
      // One secret, or one cluster, that fails must not stop the others from being renewed.
      logger.warn(
        `ECR pull secret ${where} not renewed: ${(e as Error).message}`,
      );
    }
  }
  // One line per check, whichever replica ran it: how often the renewal runs is visible in the logs.
  logger.info(
    `ECR pull secret check: ${records.length} recorded secret(s), ${renewed} renewed`,
  );
  return renewed;
}
