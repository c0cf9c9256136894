import { CronTime } from 'cron';

/**
 * The next time a cron schedule fires after `from`, in the schedule's time zone (Argo's `spec.timezone`, UTC when
 * unset). Undefined for schedules this parser does not read (e.g. Argo's `@every 1h`), so the card says nothing
 * rather than something wrong.
 */
export function nextRun(
  schedule: string,
  timezone: string | undefined,
  from: Date,
): Date | undefined {
  const expression = schedule.trim();
  if (!expression || expression.startsWith('@every')) return undefined;
  try {
    const time = new CronTime(expression, timezone || 'UTC');
    return time.getNextDateFrom(from, timezone || 'UTC').toJSDate();
  } catch {
    return undefined;
  }
}
