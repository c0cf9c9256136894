import type { Config } from '@backstage/config';
import type { PullSecretStore } from '../ecr/pullSecretStore';
import type { KubeConfig } from '@kubernetes/client-node';
import type { z as zod } from 'zod/v3';
import { COLLATE_PULL_SECRET_MARKS } from '@collate-backstage/plugin-collate-common';

/**
 * How the actions reach a cluster: Backstage's Kubernetes plugin configuration, read by
 * `KubernetesClusters` from `@collate-backstage/plugin-collate-node` (every cluster locator, server-side auth
 * providers only: actions run without a signed-in user's token).
 *
 * @public
 */
export interface ClusterAccess {
  /** The clusters the Kubernetes plugin configuration names. */
  list(): Promise<Array<{ name: string }>>;
  /** A KubeConfig for backend work; an `InputError` for unknown clusters and client-side auth providers. */
  serverKubeConfig(cluster: string): Promise<KubeConfig>;
}

/** What an action that works on a cluster is created with. @public */
export interface ClusterActionOptions {
  config: Config;
  clusters: ClusterAccess;
  /** Where the ECR pull secrets the actions create are recorded for their renewal (the scaffolder's database). */
  pullSecrets?: PullSecretStore;
}
/** The `cluster` input of every action that works on a cluster. */
export const clusterInput = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Cluster name as configured under kubernetes.clusterLocatorMethods',
    );

/** The field manager of every server-side apply this module makes, and the managed-by label of what it creates. */
export const FIELD_MANAGER = COLLATE_PULL_SECRET_MARKS.managedBy;

/** The labels that say an object was created by this module (the same the pull-secret renewal reads). */
export const MANAGED_BY_LABELS = {
  [COLLATE_PULL_SECRET_MARKS.managedByLabel]:
    COLLATE_PULL_SECRET_MARKS.managedBy,
} as const;

/** The HTTP status of a @kubernetes/client-node ApiException. */
export function kubeStatus(error: unknown): number | undefined {
  return (error as { code?: number })?.code;
}

/** The API server's own message from an ApiException, without the request. */
export function kubeMessage(error: unknown): string {
  const body = (error as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body;
    }
  }
  return (body as { message?: string })?.message ?? (error as Error).message;
}
