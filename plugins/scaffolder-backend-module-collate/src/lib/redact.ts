import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { HelmPlan } from './helm/types';

/** Shorter values are not redacted: they would blank out common words and numbers of every log line. */
const MIN_SECRET_LENGTH = 6;

export const REDACTED = '(redacted)';

/**
 * The values a task must never show: the task's secrets (`ctx.secrets`, what the template's secret fields hold) and
 * the secret values an action was given. Longest first, so a secret containing another is redacted whole.
 */
export function secretValues(
  secrets: Record<string, string> | undefined,
  ...more: Array<string | undefined>
): string[] {
  const values = new Set<string>();
  for (const v of [...Object.values(secrets ?? {}), ...more]) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    values.add(v);
    // As JSON shows it (a diff line, a plan): quotes and backslashes escaped.
    values.add(JSON.stringify(v).slice(1, -1));
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** The text with every occurrence of each secret value replaced by `(redacted)`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map(v => redactDeep(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]),
    );
  }
  return value;
}

/**
 * A logger that redacts secret values, by value, from every message and its metadata before the task log (or any
 * other sink) sees them: whatever the key name, wherever the value ends up (a diff, a plan, an error).
 */
export function redactingLogger(
  logger: LoggerService,
  secrets: readonly string[],
): LoggerService {
  if (secrets.length === 0) return logger;
  const meta = (m: Error | JsonObject | undefined) => {
    if (m === undefined) return undefined;
    if (m instanceof Error) {
      const e = new Error(redactText(m.message, secrets));
      e.name = m.name;
      e.stack = m.stack && redactText(m.stack, secrets);
      return e;
    }
    return redactDeep(m, secrets) as JsonObject;
  };
  return {
    error: (message, m) => logger.error(redactText(message, secrets), meta(m)),
    warn: (message, m) => logger.warn(redactText(message, secrets), meta(m)),
    info: (message, m) => logger.info(redactText(message, secrets), meta(m)),
    debug: (message, m) => logger.debug(redactText(message, secrets), meta(m)),
    child: m =>
      redactingLogger(
        logger.child(redactDeep(m, secrets) as JsonObject),
        secrets,
      ),
  };
}

/**
 * Redaction by path, for what has no secret value to look for (Helm values a chart reads from elsewhere): values
 * whose path names a secret are shown redacted in plans and logs.
 */
const SECRET_PATH = /(password|secret|token)$/i;

/** A copy of a values tree with every secret-looking leaf replaced by '(redacted)'. */
export function redactValues(values: unknown, key = ''): unknown {
  if (Array.isArray(values)) return values.map(v => redactValues(v, key));
  if (values && typeof values === 'object') {
    return Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, redactValues(v, k)]),
    );
  }
  return SECRET_PATH.test(key) && typeof values === 'string'
    ? REDACTED
    : values;
}

export function redactChanges(
  changes: HelmPlan['valueChanges'],
): Record<string, { current: unknown; desired: unknown }> {
  return Object.fromEntries(
    Object.entries(changes ?? {}).map(([path, c]) => [
      path,
      SECRET_PATH.test(path)
        ? {
            current: c.current === undefined ? undefined : REDACTED,
            desired: REDACTED,
          }
        : c,
    ]),
  );
}
