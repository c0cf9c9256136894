import * as fx from '../__testUtils__/statusFixtures';

describe('gradeRunner', () => {
  it("takes the runner's connection from its own gauge and its registration from Collate's list", async () => {
    const { impl, calls } = fx.sources();
    const [runner] = await fx.statusOf(impl, ['runner']);
    expect(runner).toMatchObject({
      health: 'healthy',
      connection: 'connected',
      connectedPods: '1/1',
      registration: { listed: true, isDefault: true },
    });
    // Only the pods of the runner's own release are scraped.
    expect(calls).toContain(
      'metrics runner app.kubernetes.io/name=hybrid-ingestion-runner,app.kubernetes.io/instance=runner',
    );

    const disconnected = fx.sources({
      podMetrics: async () => [
        { pod: 'a', values: { collate_hybrid_agent_connected: 0 } },
        { pod: 'b', values: { collate_hybrid_agent_connected: 0 } },
      ],
      listedRunner: async () => undefined,
    });
    const [down] = await fx.statusOf(disconnected.impl, ['runner']);
    expect(down).toMatchObject({
      health: 'unhealthy',
      connection: 'disconnected',
      connectedPods: '0/2',
      registration: { listed: false },
    });
    expect(down.reason).toMatch(
      /reports it is not connected to Collate \(collate_hybrid_agent_connected 0\)/,
    );

    const silent = fx.sources({
      podMetrics: async () => [
        { pod: 'a', error: 'Kubernetes API 503 for /api/v1/…/proxy/metrics' },
      ],
    });
    const [unknown] = await fx.statusOf(silent.impl, ['runner']);
    expect(unknown).toMatchObject({ health: 'unknown', connection: 'unknown' });
    expect(unknown.reason).toMatch(
      /metrics did not answer: Kubernetes API 503/,
    );
  });
  it('tells which annotation to add when the runner namespace is missing', async () => {
    const { impl } = fx.sources();
    const { 'collate.io/runner-namespace': _, ...annotations } =
      fx.entity.metadata.annotations!;
    const [runner] = await fx
      .service(impl)
      .status({ metadata: { annotations } }, ['runner']);
    expect(runner).toMatchObject({
      health: 'unknown',
      reason:
        "Add collate.io/kubernetes-cluster and collate.io/runner-namespace to see the runner's pods",
      // The connection is the runner's own gauge, in the cluster; Collate's list still answers.
      connection: 'unknown',
      registration: { listed: true },
    });
  });
});
