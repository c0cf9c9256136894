import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { kubeMessage, kubeStatus } from '../kubernetes';

/** How long a holder that stopped renewing (its backend was killed) keeps the lock. */
export const LEASE_DURATION_SECONDS = 20;
const RENEW_EVERY_MS = 5_000;
const POLL_EVERY_MS = 2_000;
/** How often a waiting run says what it waits for, in the task log. */
const WAIT_REPORT_EVERY_MS = 10_000;

export interface ReleaseLockOptions {
  kc: KubeConfig;
  namespace: string;
  release: string;
  logger: LoggerService;
  /** How long to wait for another holder before failing. Default 15 minutes. */
  waitTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A Lease's MicroTime: RFC 3339 with microseconds, which the API server insists on (a Date has milliseconds). */
function microTime(date = new Date()): any {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The Lease object that guards a Helm release: one per release, next to Helm's own records. */
export function leaseName(release: string) {
  return `collate-helm-${release}`.slice(0, 63);
}

function expired(lease: V1Lease, now: number) {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  const duration =
    (lease.spec?.leaseDurationSeconds ?? LEASE_DURATION_SECONDS) * 1000;
  return !renewed || new Date(renewed).getTime() + duration < now;
}

/**
 * Runs `fn` while holding a Kubernetes Lease on one Helm release, so that two runs for the same deployment (two
 * replicas, two users pressing Create) never work on the release at the same time: the second waits, then finds the
 * release as the first left it. A holder that dies stops renewing; after {@link LEASE_DURATION_SECONDS} the lease is
 * taken over, and only then is a `pending-*` release known to be interrupted rather than in progress.
 */
export async function withReleaseLock<T>(
  options: ReleaseLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const { kc, namespace, release, logger } = options;
  const leases = kc.makeApiClient(CoordinationV1Api);
  const name = leaseName(release);
  const holder = `${hostname()}/${process.pid}/${randomBytes(4).toString(
    'hex',
  )}`;
  let acquired = new Date();
  const body = (resourceVersion?: string): V1Lease => ({
    metadata: { name, namespace, resourceVersion },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      acquireTime: microTime(acquired),
      renewTime: microTime(),
    },
  });

  // The release's namespace holds the lease: made here if this is the release's first install (Helm's
  // --create-namespace would make it a moment later anyway).
  const core = kc.makeApiClient(CoreV1Api);
  const exists = await core.readNamespace({ name: namespace }).then(
    () => true,
    error => {
      if (kubeStatus(error) === 404) return false;
      throw error;
    },
  );
  if (!exists)
    await core
      .createNamespace({ body: { metadata: { name: namespace } } })
      .catch(error => {
        if (kubeStatus(error) !== 409) throw error;
      });

  const started = Date.now();
  let reported = 0;
  for (;;) {
    acquired = new Date();
    try {
      await leases.createNamespacedLease({ namespace, body: body() });
      break;
    } catch (error) {
      if (kubeStatus(error) !== 409)
        throw new Error(
          `could not lock Helm release ${namespace}/${release}: ${kubeMessage(
            error,
          )}`,
        );
    }
    const current = await leases
      .readNamespacedLease({ name, namespace })
      .catch(error => {
        if (kubeStatus(error) === 404) return undefined;
        throw error;
      });
    if (!current) continue;
    const now = Date.now();
    if (expired(current, now)) {
      try {
        await leases.replaceNamespacedLease({
          name,
          namespace,
          body: body(current.metadata?.resourceVersion),
        });
        logger.warn(
          `took over the lock of Helm release ${namespace}/${release} from ${current.spec?.holderIdentity}, which stopped renewing it`,
        );
        break;
      } catch (error) {
        // Someone else took it over first (409) or it was just released (404): look again.
        if (![404, 409].includes(kubeStatus(error) ?? 0)) throw error;
        continue;
      }
    }
    const waited = now - started;
    if (waited > (options.waitTimeoutMs ?? 15 * 60_000))
      throw new Error(
        `Helm release ${namespace}/${release} is still locked by ${
          current.spec?.holderIdentity
        } after ${Math.round(waited / 1000)} s`,
      );
    if (now - reported >= WAIT_REPORT_EVERY_MS) {
      reported = now;
      logger.info(
        `waiting for another run working on Helm release ${namespace}/${release} (${
          current.spec?.holderIdentity
        }): ${Math.round(waited / 1000)} s so far`,
      );
    }
    await sleep(POLL_EVERY_MS);
  }

  let renewing = false;
  const renew = async () => {
    if (renewing) return;
    renewing = true;
    try {
      const current = await leases.readNamespacedLease({ name, namespace });
      if (current.spec?.holderIdentity !== holder) {
        logger.warn(
          `lost the lock of Helm release ${namespace}/${release} to ${current.spec?.holderIdentity}`,
        );
        return;
      }
      await leases.replaceNamespacedLease({
        name,
        namespace,
        body: body(current.metadata?.resourceVersion),
      });
    } catch (error) {
      logger.warn(
        `could not renew the lock of Helm release ${namespace}/${release}: ${kubeMessage(
          error,
        )}`,
      );
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(renew, RENEW_EVERY_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    // Released only while still ours: a holder that lost it leaves the new holder's lease alone.
    const current = await leases
      .readNamespacedLease({ name, namespace })
      .catch(() => undefined);
    if (current?.spec?.holderIdentity === holder)
      await leases
        .deleteNamespacedLease({ name, namespace })
        .catch(() => undefined);
  }
}
