import { nextRun } from './schedule';
import { parseAge } from './workflowTable';

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

describe('parseAge', () => {
  it.each([
    ['45s', 45_000],
    ['5m30s', 330_000],
    ['8h', 8 * 3600_000],
    ['3d11h', (3 * 24 + 11) * 3600_000],
    ['2y45d', (2 * 365 + 45) * 24 * 3600_000],
  ])('%s is %d ms', (age, ms) => {
    expect(parseAge(age)).toBe(ms);
  });

  it.each(['<unknown>', '', '5 m', 'h', '3d11hx'])('%j is unknown', age => {
    expect(parseAge(age)).toBeUndefined();
  });
});
