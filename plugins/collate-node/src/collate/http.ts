/** A failed call to an upstream HTTP API, with its status code (0 when no answer arrived). @public */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The upstream's own `message`, when its answer had one. */
    readonly upstreamMessage?: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/**
 * Sends a request with a bearer token; a network failure or time-out becomes an {@link UpstreamError} with status 0
 * naming the service. The answer is returned as is, whatever its status.
 * @public
 */
export async function send(
  service: string,
  url: string,
  options: {
    token?: string;
    signal: AbortSignal;
    method?: 'GET' | 'POST';
    body?: unknown;
  },
): Promise<Response> {
  try {
    return await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        Accept: 'application/json',
        ...(options.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
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
}

/** An answer's body as JSON, or an empty object when it has none. @public */
export async function readBody<T extends object>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    return { message: text.slice(0, 200) } as unknown as T;
  }
}

/** GETs JSON; turns non-2xx answers and network failures into an {@link UpstreamError} naming the service. @public */
export async function getJson<T>(
  service: string,
  url: string,
  options: { token?: string; signal: AbortSignal },
): Promise<T> {
  const res = await send(service, url, options);
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
      message,
    );
  }
  return JSON.parse(text) as T;
}
