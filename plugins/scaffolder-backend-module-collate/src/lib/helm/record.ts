import type { CoreV1Api } from '@kubernetes/client-node';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Sets a Helm revision's status (and optionally its description) in its release record: the Secret
 * `sh.helm.release.v1.<release>.v<revision>` of Helm's default storage driver, whose `release` key holds the release
 * as gzipped JSON, base64-encoded, and whose `status` label repeats the status.
 */
export async function setHelmRevisionStatus(
  core: CoreV1Api,
  options: {
    namespace: string;
    release: string;
    revision: number;
    status: string;
    description?: string;
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
  if (options.description) release.info.description = options.description;
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
