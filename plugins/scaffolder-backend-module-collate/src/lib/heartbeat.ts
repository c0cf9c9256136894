import type { LoggerService } from '@backstage/backend-plugin-api';

/** How long a step may go without a line in the task log before it says what it awaits. */
export const HEARTBEAT_MS = 15_000;

/**
 * Says in the task log what a step awaits whenever it has been silent for `everyMs`: a long `helm --wait` or
 * Terraform apply never leaves the log (and a proxy in front of the portal) without a line for longer. `beat()`
 * marks other output (a streamed line); `stop()` ends it.
 */
export function startHeartbeat(
  logger: LoggerService,
  awaiting: (elapsedSeconds: number) => string,
  everyMs = HEARTBEAT_MS,
) {
  const started = Date.now();
  let last = started;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    logger.info(awaiting(Math.round((now - started) / 1000)));
  }, Math.min(1000, everyMs));
  return {
    beat() {
      last = Date.now();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
