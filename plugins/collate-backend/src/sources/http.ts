/** A failed call to an upstream HTTP API, with its status code (0 when no answer arrived). */
export class UpstreamError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** GETs JSON; turns non-2xx answers and network failures into an {@link UpstreamError} naming the service. */
export async function getJson<T>(
  service: string,
  url: string,
  options: { token?: string; signal: AbortSignal },
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        Accept: 'application/json',
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
      signal: options.signal,
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? 'timed out'
        : e.cause?.code ?? e.cause?.message ?? e.message;
    throw new UpstreamError(0, `${service} at ${new URL(url).origin}: ${why}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 200);
    try {
      message = JSON.parse(text).message ?? message;
    } catch {
      // not JSON
    }
    throw new UpstreamError(
      res.status,
      `${service} answered ${res.status} for ${
        new URL(url).pathname
      }: ${message}`,
    );
  }
  return JSON.parse(text) as T;
}
