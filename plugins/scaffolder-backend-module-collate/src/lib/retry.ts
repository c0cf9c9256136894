import type { LoggerService } from '@backstage/backend-plugin-api';

export interface RetryOptions {
  /** Whether this error is one of the documented transient cases. Anything else fails at once. */
  retryable: (error: unknown) => boolean;
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  logger?: LoggerService;
  what: string;
}

const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Retries `fn` with exponential backoff, only while `retryable` says the error is transient. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = options.attempts ?? 8;
  let delay = options.initialDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !options.retryable(error)) throw error;
      options.logger?.info(
        `${options.what}: transient error (${
          (error as Error).message.split('\n')[0]
        }); retry ${attempt}/${attempts - 1} in ${delay} ms`,
      );
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
    }
  }
}
