import * as fx from './__testUtils__/statusFixtures';

describe('StatusService', () => {
  it('asks each source once per view, however many components need it', async () => {
    const { impl, calls } = fx.sources();
    const result = await fx.statusOf(impl, ['server', 'database', 'search']);
    expect(result.map(c => c.health)).toEqual([
      'degraded',
      'healthy',
      'unhealthy',
    ]);
    expect(calls.filter(c => c === 'system status')).toHaveLength(1);
  });
  it('serves a second view from the cache', async () => {
    const { impl, calls } = fx.sources();
    const s = fx.service(impl);
    await s.status(fx.entity, [
      'server',
      'argo',
      'database',
      'search',
      'runner',
    ]);
    const first = calls.length;
    await s.status(fx.entity, [
      'server',
      'argo',
      'database',
      'search',
      'runner',
    ]);
    // Only the workflow index is read again (it is kept current by its watch, not cached).
    expect(calls.slice(first)).toEqual(['workflows']);
  });
  it('isolates a failing source: its components are unknown, the others answer', async () => {
    const { impl } = fx.sources({
      argoVersion: async () => {
        throw new Error('Argo server at http://argo:2746: ECONNREFUSED');
      },
    });
    const [argo, runner] = await fx.statusOf(impl, ['argo', 'runner']);
    expect(argo).toMatchObject({
      health: 'unknown',
      reason: 'Argo server: Argo server at http://argo:2746: ECONNREFUSED',
      errors: [{ source: 'argo' }],
      server: { name: 'argo-workflows-server', ready: 1 },
    });
    expect(runner).toMatchObject({
      health: 'healthy',
      connection: 'connected',
    });
  });
  it('says the configured notice in place of configuration and connection errors, keeping what answered', async () => {
    const { impl } = fx.sources({
      argoVersion: async () => {
        throw new Error('Argo server at http://argo:2746: ECONNREFUSED');
      },
    });
    const notice = 'local demo environment starting';
    const [argo, server] = await fx
      .service(impl, {
        servers: [],
        status: { notice },
      })
      .status(fx.entity, ['argo', 'server']);
    expect(argo).toMatchObject({
      health: 'unknown',
      reason: notice,
      errors: [{ source: 'argo' }],
      server: { name: 'argo-workflows-server', ready: 1 },
    });
    expect(server).toMatchObject({
      health: 'unknown',
      reason: notice,
      errors: [{ source: 'collate', configKey: 'collate.servers' }],
    });
    // A component whose sources answered is judged as usual: the notice replaces errors, not findings.
    const [runner] = await fx
      .service(impl, { status: { notice } })
      .status(fx.entity, ['runner']);
    expect(runner).toMatchObject({ health: 'healthy' });
    expect(runner.reason).toBeUndefined();
  });
  it('keeps unhealthy when what did answer shows it, even if another source failed', async () => {
    const { impl } = fx.sources({
      deployments: async () => [],
      argoVersion: async () => {
        throw new Error('boom');
      },
    });
    const [argo] = await fx.statusOf(impl, ['argo']);
    expect(argo.health).toBe('unhealthy');
    expect(argo.reason).toContain(
      'No Argo server Deployment of release argo-workflows in namespace argo-workflows',
    );
    expect(argo.reason).toContain('Argo server: boom');
  });
  it('gives each source its own timeout', async () => {
    const { impl } = fx.sources({
      systemStatus: (_s, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
    });
    const started = Date.now();
    const [db, argo] = await fx
      .service(impl, {
        status: { timeouts: { collateMs: 50 } },
      })
      .status(fx.entity, ['database', 'argo']);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(db).toMatchObject({
      health: 'unknown',
      reason: 'Collate: timed out after 50 ms',
    });
    expect(argo.health).toBe('healthy');
  });
});
