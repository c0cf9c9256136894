import { nextRun } from './schedule';

describe('nextRun', () => {
  const from = new Date('2026-11-21T10:17:00Z');

  it.each([
    ['0 * * * *', undefined, '2026-11-21T11:00:00.000Z'],
    ['*/15 * * * *', undefined, '2026-11-21T10:30:00.000Z'],
    ['0 2 * * *', undefined, '2026-11-22T02:00:00.000Z'],
    ['@hourly', undefined, '2026-11-21T11:00:00.000Z'],
    // 02:00 in Berlin (UTC+1 in November) is 01:00 UTC.
    ['0 2 * * *', 'Europe/Berlin', '2026-11-22T01:00:00.000Z'],
  ])('%s in %s fires next at %s', (schedule, timezone, expected) => {
    expect(nextRun(schedule, timezone, from)?.toISOString()).toBe(expected);
  });

  it.each(['', '@every 1h', 'not a schedule', '61 * * * *'])(
    'gives nothing for %j',
    schedule => {
      expect(nextRun(schedule, undefined, from)).toBeUndefined();
    },
  );
});
