import type { CollateIngestionStatus } from '@collate-backstage/plugin-collate-common';
import * as fx from '../__testUtils__/statusFixtures';

describe('gradeIngestion', () => {
  it('marks ingestion degraded when runs failed in the last 24 h or a pipeline’s last run failed', async () => {
    const { impl } = fx.sources({
      workflows: async () => ({
        ...fx.overview,
        last24h: { Succeeded: 8, Failed: 1, Error: 1 },
      }),
      pipelines: async () => ({
        pipelines: [
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01',
            name: 'orders',
            fullyQualifiedName: 'pg.orders',
            pipelineType: 'metadata',
            lastState: 'failed',
          },
        ],
        truncated: true,
      }),
    });
    const [ingestion] = await fx.statusOf(impl, ['ingestion']);
    expect(ingestion).toMatchObject({
      health: 'degraded',
      reason:
        '2 of 10 runs in the last 24 h failed; Last run failed for orders',
      pipelinesTruncated: true,
    });
    // The pipeline carries the same verdict the component gives it; the card shows it as it is.
    expect(
      (ingestion as CollateIngestionStatus).pipelines?.map(p => p.health),
    ).toEqual(['degraded']);
  });
  it('flags stale runs: the source’s Argo runs and a Collate pipeline still running past the limit', async () => {
    const started = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const { impl } = fx.sources({
      workflows: async () => ({
        ...fx.overview,
        runs: [
          {
            name: 'stuck',
            namespace: 'collate',
            phase: 'Running',
            startedAt: started,
            stale: 'Argo says step ingest is Running, but its pod is gone',
          },
        ],
      }),
      pipelines: async () => ({
        pipelines: [
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e02',
            name: 'orders',
            fullyQualifiedName: 'pg.orders',
            pipelineType: 'metadata',
            lastState: 'running',
            lastRunAt: started,
          },
          {
            id: '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e03',
            name: 'fresh',
            fullyQualifiedName: 'pg.fresh',
            pipelineType: 'metadata',
            lastState: 'running',
            lastRunAt: new Date().toISOString(),
          },
        ],
        truncated: false,
      }),
    });
    const [ingestion] = (await fx
      .service(impl, {
        status: { staleRunMinutes: 120 },
      })
      .status(fx.entity, ['ingestion'])) as CollateIngestionStatus[];
    expect(ingestion.health).toBe('degraded');
    expect(ingestion.reason).toContain(
      '1 run looks stale: stuck: Argo says step ingest is Running, but its pod is gone',
    );
    expect(ingestion.reason).toContain(
      'Pipeline orders looks stale: Collate has said running for 3 h (limit collate.status.staleRunMinutes 120 min)',
    );
    expect(ingestion.pipelines?.map(p => Boolean(p.stale))).toEqual([
      true,
      false,
    ]);
    expect(ingestion.pipelines?.map(p => p.health)).toEqual([
      'degraded',
      'healthy',
    ]);
  });
});
