import type { CoreV1Api } from '@kubernetes/client-node';
import { setHelmRevisionStatus } from '../lib/helmRecord';

/**
 * Sets a Helm revision's state in its release Secret (the encoded release and the `status` label), as an interrupted
 * `helm install` or `upgrade` leaves it: `pending-install`, `pending-upgrade`, `failed`.
 */
export async function markHelmRevision(
  core: CoreV1Api,
  options: {
    namespace: string;
    release: string;
    revision: number;
    status: string;
  },
): Promise<void> {
  await setHelmRevisionStatus(core, options);
}
