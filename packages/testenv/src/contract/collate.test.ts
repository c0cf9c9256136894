import {
  startCollateContractServer,
  type CollateContractServer,
} from './collate.ts';

describe('Collate contract server', () => {
  let collate: CollateContractServer;
  let token: string;
  const get = (path: string, auth = token) =>
    fetch(`${collate.url}${path}`, {
      headers: auth ? { Authorization: `Bearer ${auth}` } : {},
    });

  beforeEach(async () => {
    collate = await startCollateContractServer();
    token = collate.issueToken('ingestion-bot');
  });
  afterEach(() => collate.close());

  it('requires a valid, unexpired bot JWT on every route', async () => {
    expect((await get('/api/v1/system/version', '')).status).toBe(401);
    expect((await get('/api/v1/system/version', `${token}x`)).status).toBe(401);
    expect(
      (
        await get(
          '/api/v1/system/version',
          collate.issueToken('ingestion-bot', -10),
        )
      ).status,
    ).toBe(401);
    const res = await get('/api/v1/system/version');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: '1.12.3' });
  });

  it('runs an application on demand as AppResource does: one run at a time, records newest first', async () => {
    collate.setReindexOutcome('success', 300);
    const trigger = (body: unknown) =>
      fetch(`${collate.url}/api/v1/apps/trigger/SearchIndexingApplication`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const status = async () =>
      (await (
        await get(
          '/api/v1/apps/name/SearchIndexingApplication/status?offset=0&limit=1',
        )
      ).json()) as { data: any[]; paging: { total: number } };

    expect((await status()).data).toEqual([]);
    const first = await trigger({ recreateIndex: false });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    expect((await status()).data[0]).toMatchObject({
      appName: 'SearchIndexingApplication',
      status: 'running',
      config: { recreateIndex: false },
    });
    // A second trigger while it runs is refused, as the Quartz scheduler refuses it.
    const again = await trigger({});
    expect(again.status).toBe(400);
    expect((await again.json()).message).toMatch(/already running/);
    await new Promise(r => setTimeout(r, 400));
    const done = await status();
    expect(done.data[0]).toMatchObject({
      status: 'success',
      endTime: expect.any(Number),
      successContext: expect.any(Object),
    });
    expect(done.paging.total).toBe(1);

    collate.setReindexOutcome('failed', 0);
    expect((await trigger({ recreateIndex: true })).status).toBe(200);
    const failed = await status();
    expect(failed.data[0]).toMatchObject({
      status: 'failed',
      failureContext: expect.any(Object),
    });
    expect(failed.paging.total).toBe(2);
    expect(
      (await get('/api/v1/apps/name/NoSuchApplication/status')).status,
    ).toBe(404);
  });

  it('validates the deployment in /system/status, and reports failures', async () => {
    let body = await (await get('/api/v1/system/status')).json();
    expect(body.database).toMatchObject({
      passed: true,
      message: expect.stringContaining('PostgreSQL 15.4'),
    });
    expect(body.searchInstance).toMatchObject({
      passed: true,
      message: expect.stringContaining('OpenSearch 3.4.0'),
    });
    collate.setDeployment({
      search: {
        type: 'opensearch',
        host: 'os:9200',
        version: '3.4.0',
        healthy: false,
      },
    });
    body = await (await get('/api/v1/system/status')).json();
    expect(body.searchInstance.passed).toBe(false);
    expect(body.database.passed).toBe(true);
  });

  it('pages ingestion pipelines with after-cursors and serves their latest statuses', async () => {
    for (let i = 0; i < 7; i++) collate.addPipeline({ name: `p${i}` });
    const first = await (
      await get('/api/v1/services/ingestionPipelines?limit=5')
    ).json();
    expect(first.data).toHaveLength(5);
    expect(first.paging.total).toBe(7);
    const second = await (
      await get(
        `/api/v1/services/ingestionPipelines?limit=5&after=${first.paging.after}`,
      )
    ).json();
    expect(second.data.map((p: { name: string }) => p.name)).toEqual([
      'p5',
      'p6',
    ]);
    expect(second.paging.after).toBeUndefined();

    for (let i = 0; i < 7; i++) {
      collate.addPipelineStatus('warehouse.p0', {
        runId: `r${i}`,
        pipelineState: 'success',
        startDate: i,
        timestamp: i,
        endDate: i + 1,
      });
    }
    const statuses = await (
      await get(
        '/api/v1/services/ingestionPipelines/warehouse.p0/pipelineStatus',
      )
    ).json();
    expect(statuses.data.map((s: { runId: string }) => s.runId)).toEqual([
      'r6',
      'r5',
      'r4',
      'r3',
      'r2',
    ]);
  });

  it('triggers deployed pipelines and counts that as a mutation', async () => {
    const p = collate.addPipeline({ name: 'nightly', deployed: false });
    const trigger = () =>
      fetch(
        `${collate.url}/api/v1/services/ingestionPipelines/trigger/${p.id}`,
        { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
      );
    expect((await trigger()).status).toBe(400);
    await fetch(
      `${collate.url}/api/v1/services/ingestionPipelines/deploy/${p.id}`,
      { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
    );
    expect((await trigger()).status).toBe(200);
    expect(collate.mutatingCalls().map(c => c.path)).toEqual([
      `/api/v1/services/ingestionPipelines/deploy/${p.id}`,
      `/api/v1/services/ingestionPipelines/trigger/${p.id}`,
    ]);
  });

  it("lists runners and holds a runner's channel from when it may connect", async () => {
    const channel = () => get('/__runner-channel/runner-1');
    expect((await channel()).status).toBe(404);
    expect(await (await get('/api/v1/ingestionRunners')).json()).toEqual({
      data: [],
      paging: { total: 0 },
    });
    collate.connectRunner('runner-1', 200);
    collate.connectRunner('runner-2');
    expect(
      await (await get('/api/v1/ingestionRunners?limit=100')).json(),
    ).toEqual({
      data: [
        expect.objectContaining({
          id: expect.any(String),
          name: 'runner-1',
          isDefault: true,
        }),
        expect.objectContaining({ name: 'runner-2', isDefault: false }),
      ],
      paging: { total: 2 },
    });
    expect((await channel()).status).toBe(503);
    await new Promise(r => setTimeout(r, 250));
    expect((await channel()).status).toBe(200);
    collate.disconnectRunner('runner-1');
    expect((await channel()).status).toBe(503);
    expect(
      (
        await fetch(`${collate.url}/__runner-channel/runner-2`, {
          headers: { Authorization: 'Bearer not-a-token' },
        })
      ).status,
    ).toBe(401);
  });

  it('can be made slow or failing', async () => {
    collate.failNext(/system\/status/, 503, 2);
    expect((await get('/api/v1/system/status')).status).toBe(503);
    expect((await get('/api/v1/system/status')).status).toBe(503);
    expect((await get('/api/v1/system/status')).status).toBe(200);
    collate.setLatency(300);
    const t0 = Date.now();
    await get('/api/v1/system/version');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
