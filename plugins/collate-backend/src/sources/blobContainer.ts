import { isError } from '@backstage/errors';

/** Azure Storage's answer to an anonymous request for a container's properties. */
export interface BlobContainerAnswer {
  status: number;
  /** `x-ms-error-code`, e.g. `ResourceNotFound` or `NoAuthenticationInformation`. */
  errorCode?: string;
  /** Whether Azure Storage answered (it sets `x-ms-request-id` on every answer), not some other server. */
  fromStorage: boolean;
}

/**
 * `GET <container URL>?restype=container` without credentials (Get Container Properties): Azure Storage answers
 * every request, a private container with an error code, so any answer of its own shows the datastore reachable
 * from the backend. Nothing is read or written, and no credential is sent.
 */
export async function probeBlobContainer(
  url: string,
  signal: AbortSignal,
): Promise<BlobContainerAnswer> {
  const probe = new URL(url);
  probe.searchParams.set('restype', 'container');
  let res: Response;
  try {
    res = await fetch(probe, {
      method: 'GET',
      headers: { 'x-ms-version': '2021-08-06' },
      redirect: 'manual',
      signal,
    });
  } catch (e) {
    const cause = isError(e) && isError(e.cause) ? `: ${e.cause.message}` : '';
    throw new Error(
      `${probe.host} did not answer (${isError(e) ? e.message : e}${cause})`,
    );
  }
  await res.body?.cancel();
  const errorCode = res.headers.get('x-ms-error-code') ?? undefined;
  return {
    status: res.status,
    ...(errorCode ? { errorCode } : {}),
    fromStorage: res.headers.has('x-ms-request-id'),
  };
}

/** Whether a host (`name` or `name:port`) is one of `patterns` (a name, `*.suffix`, or `host:port`). */
export function isAllowedStorageHost(
  host: string,
  patterns: readonly string[],
): boolean {
  const name = host.replace(/:\d+$/, '');
  return patterns.some(p =>
    p.startsWith('*.')
      ? name.endsWith(p.slice(1)) && name.length > p.length - 1
      : p === host || p === name,
  );
}
