import * as fx from '../__testUtils__/statusFixtures';

describe('gradeServer', () => {
  it('grades pods: none ready is unhealthy, some ready is degraded', async () => {
    const { impl } = fx.sources({
      deployments: async (_c, _ns, selector) =>
        selector.includes('openmetadata')
          ? [{ ...fx.deployment('openmetadata', {}), desired: 3, ready: 2 }]
          : [
              fx.deployment(
                'runner',
                { 'app.kubernetes.io/instance': 'runner' },
                0,
              ),
            ],
      systemStatus: async () => ({}),
    });
    const [server, runner] = await fx.statusOf(impl, ['server', 'runner']);
    expect(server).toMatchObject({
      health: 'degraded',
      reason: 'Collate server: 2 of 3 pods ready',
    });
    expect(runner).toMatchObject({
      health: 'unhealthy',
      reason: 'Runner: 0 of 1 pods ready',
    });
  });

  it("says an upgrade is unfinished when the server's version is not its image's, and shows Collate's checks", async () => {
    const { impl } = fx.sources({
      deployments: async () => [
        {
          ...fx.deployment('openmetadata', {}),
          image: 'docker.getcollate.io/openmetadata/server:1.12.3',
        },
      ],
      collateVersion: async () => '1.11.9',
    });
    const [server] = await fx.statusOf(impl, ['server']);
    expect(server).toMatchObject({
      health: 'degraded',
      version: '1.11.9',
      imageVersion: '1.12.3',
      checks: expect.arrayContaining([
        {
          name: 'searchInstance',
          passed: false,
          message: 'Search instance es:9200 is not reachable',
        },
      ]),
    });
    expect((server as { reason?: string }).reason).toContain(
      "Collate reports version 1.11.9, but the server's image is 1.12.3: an upgrade not finished?",
    );
  });
});
