import { service, sources } from './__testUtils__/statusFixtures';

const DAY = 24 * 60 * 60 * 1000;
const today = new Date().toISOString().slice(0, 10);
const at = (daysAgo: number, hour: number) =>
  Date.parse(`${today}T00:00:00Z`) - daysAgo * DAY + hour * 3_600_000;

const ingestion = (annotations: Record<string, string>) => ({
  metadata: {
    annotations: { 'collate.io/component': 'ingestion', ...annotations },
  },
});

describe('ingestion history', () => {
  it('counts archived runs per UTC day with their durations, oldest day first', async () => {
    const { impl, calls } = sources({
      archivedRuns: async (_s, ns, since) => {
        calls.push(`archive ${ns} since ${since.toISOString()}`);
        return {
          truncated: false,
          runs: [
            // Two yesterday: 60 s and 180 s; one failed today; one outside the window.
            {
              name: 'a',
              phase: 'Succeeded',
              startedAt: at(1, 3),
              finishedAt: at(1, 3) + 60_000,
            },
            {
              name: 'b',
              phase: 'Failed',
              startedAt: at(1, 5),
              finishedAt: at(1, 5) + 180_000,
            },
            { name: 'c', phase: 'Error', startedAt: at(0, 1) },
            { name: 'old', phase: 'Succeeded', startedAt: at(20, 1) },
          ],
        };
      },
    });
    const history = await service(impl).history(
      ingestion({
        'collate.io/kubernetes-cluster': 'local',
        'collate.io/namespace': 'ingest',
        'collate.io/argo-server-url': 'http://argo:2746',
      }),
      3,
    );
    expect(calls).toContain(
      `archive ingest since ${new Date(at(2, 0)).toISOString()}`,
    );
    expect(history.days.map(d => d.date)).toEqual([
      new Date(at(2, 0)).toISOString().slice(0, 10),
      new Date(at(1, 0)).toISOString().slice(0, 10),
      today,
    ]);
    expect(history.days[0]).toEqual({
      date: history.days[0].date,
      succeeded: 0,
      failed: 0,
    });
    expect(history.days[1]).toMatchObject({
      succeeded: 1,
      failed: 1,
      medianDurationSeconds: 120,
      maxDurationSeconds: 180,
    });
    expect(history.days[2]).toEqual({ date: today, succeeded: 0, failed: 1 });
    expect(history.sources).toEqual([
      { location: 'local/ingest', source: 'archive', runs: 3 },
    ]);
  });

  it('counts live workflows, without durations, where no Argo server is configured, and says why', async () => {
    const { impl } = sources({
      workflows: async () => ({
        total: 5,
        byPhase: {},
        last24h: {},
        newest: [],
        runs: [],
        daily: { [today]: { succeeded: 4, failed: 1 } },
      }),
    });
    const history = await service(impl).history(
      ingestion({
        'collate.io/kubernetes-cluster': 'local',
        'collate.io/namespace': 'ingest',
        'collate.io/argo-server-url': 'http://elsewhere:2746',
      }),
      14,
    );
    expect(history.days).toHaveLength(14);
    expect(history.days[13]).toEqual({ date: today, succeeded: 4, failed: 1 });
    expect(history.sources).toEqual([
      {
        location: 'local/ingest',
        source: 'live',
        runs: 5,
        note: 'http://elsewhere:2746 is not configured under collate.argo.servers: live workflows counted, without durations',
      },
    ]);
  });

  it('counts per day and outcome the larger of the archive and the live workflows, durations from the archive', async () => {
    const yesterday = new Date(at(1, 0)).toISOString().slice(0, 10);
    const { impl } = sources({
      archivedRuns: async () => ({
        truncated: false,
        runs: [
          {
            name: 'a',
            phase: 'Succeeded',
            startedAt: at(1, 3),
            finishedAt: at(1, 3) + 60_000,
          },
          {
            name: 'b',
            phase: 'Succeeded',
            startedAt: at(1, 4),
            finishedAt: at(1, 4) + 120_000,
          },
        ],
      }),
      // The live workflows include the two archived ones, one more not archived yet, and a failure of today.
      workflows: async () => ({
        total: 4,
        byPhase: {},
        last24h: {},
        newest: [],
        runs: [],
        daily: {
          [yesterday]: { succeeded: 3, failed: 0 },
          [today]: { succeeded: 0, failed: 1 },
        },
      }),
    });
    const history = await service(impl).history(
      ingestion({
        'collate.io/kubernetes-cluster': 'local',
        'collate.io/namespace': 'ingest',
        'collate.io/argo-server-url': 'http://argo:2746',
      }),
      2,
    );
    expect(history.days).toEqual([
      {
        date: yesterday,
        succeeded: 3,
        failed: 0,
        medianDurationSeconds: 90,
        maxDurationSeconds: 120,
      },
      { date: today, succeeded: 0, failed: 1 },
    ]);
    expect(history.sources).toEqual([
      { location: 'local/ingest', source: 'archive', runs: 4 },
    ]);
  });

  it('falls back to live workflows when the archive fails, and says the archive failed', async () => {
    const { impl } = sources({
      archivedRuns: async () => {
        throw new Error('Argo server answered 500: archive not enabled');
      },
    });
    const history = await service(impl).history(
      ingestion({
        'collate.io/kubernetes-cluster': 'local',
        'collate.io/namespace': 'ingest',
        'collate.io/argo-server-url': 'http://argo:2746',
      }),
      7,
    );
    expect(history.sources[0]).toMatchObject({
      source: 'live',
      note: "Argo's workflow archive did not answer (Argo server answered 500: archive not enabled): live workflows counted, without durations",
    });
  });

  it('says when the window holds more runs than it reads', async () => {
    const { impl } = sources({
      archivedRuns: async () => ({ runs: [], truncated: true }),
    });
    const history = await service(impl, {
      status: { history: { maxRunsPerLocation: 500 } },
    }).history(
      ingestion({
        'collate.io/kubernetes-cluster': 'local',
        'collate.io/namespace': 'ingest',
        'collate.io/argo-server-url': 'http://argo:2746',
      }),
      7,
    );
    expect(history.sources[0].note).toBe(
      'More than 500 runs in the window: the oldest were not read (collate.status.history.maxRunsPerLocation)',
    );
  });
});
