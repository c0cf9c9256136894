import { mockServices } from '@backstage/backend-test-utils';
import { WorkflowIndex } from './workflowIndex';
import { workflowTableServer } from './__testUtils__/workflowTableServer';

const DAY = 24 * 3600_000;
// 2026-12-05T12:00:00Z: noon, so "1d" back is the previous UTC day.
const NOW = Date.UTC(2026, 11, 5, 12);

describe('WorkflowIndex', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW, advanceTimers: true }));
  afterEach(() => jest.useRealTimers());

  it('indexes every listed Workflow, and only its name, phase and start', async () => {
    const { http } = workflowTableServer([
      ['a', 'Succeeded', '2h'],
      ['b', 'Running', '5m'],
    ]);
    const index = new WorkflowIndex(
      http,
      'ingestion',
      mockServices.logger.mock(),
      { follow: false },
    );
    await index.ready();
    expect(index.summary(NOW)).toMatchObject({
      total: 2,
      byPhase: { Succeeded: 1, Running: 1 },
    });
    expect(index.summary(NOW).newest).toEqual([
      { name: 'b', phase: 'Running', started: NOW - 300_000 },
      { name: 'a', phase: 'Succeeded', started: NOW - 7_200_000 },
    ]);
  });

  it('counts phases, the last 24 h and finished runs per UTC day, and keeps the newest', async () => {
    const { http } = workflowTableServer([
      ['today-ok', 'Succeeded', '1h'],
      ['today-failed', 'Failed', '3h'],
      ['running', 'Running', '10m'],
      ['yesterday-ok', 'Succeeded', '1d'],
      ['yesterday-error', 'Error', '1d1h'],
      ['old', 'Succeeded', '13d'],
      ['too-old', 'Succeeded', '14d'],
      ['pending', 'Pending', '<unknown>'],
    ]);
    const index = new WorkflowIndex(
      http,
      'ingestion',
      mockServices.logger.mock(),
      {
        follow: false,
        newest: 3,
      },
    );
    await index.ready();
    const s = index.summary(NOW);

    expect(s.byPhase).toEqual({
      Succeeded: 4,
      Failed: 1,
      Error: 1,
      Running: 1,
      Pending: 1,
    });
    expect(s.last24h).toEqual({
      Succeeded: 2,
      Failed: 1,
      Running: 1,
      Pending: 1,
    });
    // Running and pending runs are not finished; 14 days back is outside the window of 14 days ending today.
    expect(s.daily).toEqual({
      '2026-12-05': { succeeded: 1, failed: 1 },
      '2026-12-04': { succeeded: 1, failed: 1 },
      '2026-11-22': { succeeded: 1, failed: 0 },
    });
    expect(s.newest.map(w => w.name)).toEqual([
      'pending',
      'running',
      'today-ok',
    ]);
    expect(NOW - s.newest[2].started).toBe(3600_000);
    expect(NOW - 13 * DAY).toBe(Date.UTC(2026, 10, 22, 12));
  });
});
