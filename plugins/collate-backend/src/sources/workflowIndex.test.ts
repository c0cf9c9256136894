import { mockServices } from '@backstage/backend-test-utils';
import type { KubeHttp } from './kubeHttp';
import { parseAge, WorkflowIndex } from './workflowIndex';

const DAY = 24 * 3600_000;
// 2026-12-05T12:00:00Z: noon, so "1d" back is the previous UTC day.
const NOW = Date.UTC(2026, 11, 5, 12);

/** The API server's Table of Workflows as `kubectl get` receives it: the CRD's printer columns. */
function table(rows: Array<[string, string, string]>, cont?: string) {
  return {
    metadata: { resourceVersion: '4242', ...(cont ? { continue: cont } : {}) },
    columnDefinitions: [{ name: 'Name' }, { name: 'Status' }, { name: 'Age' }],
    rows: rows.map(cells => ({ cells })),
  };
}

/** Answers the list pages in order and records what was asked. */
function pages(...answers: object[]) {
  const asked: URL[] = [];
  const http = {
    get: async (path: string) => {
      asked.push(new URL(path, 'https://api.invalid'));
      return answers[asked.length - 1];
    },
  } as unknown as KubeHttp;
  return { http, asked };
}

describe('WorkflowIndex', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW, advanceTimers: true }));
  afterEach(() => jest.useRealTimers());

  it("lists its first page from the API server's watch cache and continues without a resourceVersion", async () => {
    const { http, asked } = pages(
      table([['a', 'Succeeded', '2h']], 'next-page'),
      table([['b', 'Running', '5m']]),
    );
    const index = new WorkflowIndex(
      http,
      'ingestion',
      mockServices.logger.mock(),
      {
        follow: false,
        pageSize: 1,
      },
    );
    await index.ready();

    expect(asked.map(u => u.pathname)).toEqual([
      '/apis/argoproj.io/v1alpha1/namespaces/ingestion/workflows',
      '/apis/argoproj.io/v1alpha1/namespaces/ingestion/workflows',
    ]);
    expect(asked[0].searchParams.get('resourceVersion')).toBe('0');
    expect(asked[0].searchParams.get('includeObject')).toBe('None');
    expect(asked[1].searchParams.get('continue')).toBe('next-page');
    expect(asked[1].searchParams.has('resourceVersion')).toBe(false);
    expect(index.summary(NOW).total).toBe(2);
  });

  it('counts phases, the last 24 h and finished runs per UTC day, and keeps the newest', async () => {
    const { http } = pages(
      table([
        ['today-ok', 'Succeeded', '1h'],
        ['today-failed', 'Failed', '3h'],
        ['running', 'Running', '10m'],
        ['yesterday-ok', 'Succeeded', '1d'],
        ['yesterday-error', 'Error', '1d1h'],
        ['old', 'Succeeded', '13d'],
        ['too-old', 'Succeeded', '14d'],
        ['pending', 'Pending', '<unknown>'],
      ]),
    );
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

describe('parseAge', () => {
  it.each([
    ['45s', 45_000],
    ['5m30s', 330_000],
    ['8h', 8 * 3600_000],
    ['3d11h', 3 * DAY + 11 * 3600_000],
    ['2y45d', 2 * 365 * DAY + 45 * DAY],
  ])('reads %s', (age, ms) => expect(parseAge(age)).toBe(ms));

  it.each(['<unknown>', '', '5x', '3d 11h'])('gives up on %p', age =>
    expect(parseAge(age)).toBeUndefined(),
  );
});
