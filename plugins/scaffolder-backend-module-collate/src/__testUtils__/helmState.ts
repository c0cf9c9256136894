import type { CoreV1Api } from '@kubernetes/client-node';
import { gunzipSync, gzipSync } from 'node:zlib';

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
  const { namespace, status } = options;
  const name = `sh.helm.release.v1.${options.release}.v${options.revision}`;
  const s = await core.readNamespacedSecret({ name, namespace });
  const release = JSON.parse(
    gunzipSync(
      Buffer.from(Buffer.from(s.data!.release, 'base64').toString(), 'base64'),
    ).toString(),
  );
  release.info.status = status;
  const encoded = Buffer.from(
    gzipSync(Buffer.from(JSON.stringify(release))).toString('base64'),
  ).toString('base64');
  await core.replaceNamespacedSecret({
    name,
    namespace,
    body: {
      ...s,
      metadata: { ...s.metadata, labels: { ...s.metadata!.labels, status } },
      data: { release: encoded },
    },
  });
}
