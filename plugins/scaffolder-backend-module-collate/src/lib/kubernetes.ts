export { kubeConfigFor } from '@internal/backstage-plugin-collate-node';
import type { z as zod } from 'zod/v3';

/** The `cluster` input of every action that works on a cluster. */
export const clusterInput = (z: typeof zod) =>
  z
    .string()
    .min(1)
    .describe(
      'Cluster name as configured under kubernetes.clusterLocatorMethods',
    );

/** The field manager of every server-side apply this module makes. */
export const FIELD_MANAGER = 'backstage-collate';

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
