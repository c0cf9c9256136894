import * as fx from '../status/__testUtils__/statusFixtures';

describe('CollateOperations', () => {
  it("triggers a pipeline on the entity's Collate server and reads the pipelines again on the next view", async () => {
    const { impl, calls } = fx.sources();
    const { status: s, operations } = fx.serviceWithOperations(impl);
    const id = '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01';
    await s.status(fx.entity, ['ingestion']);
    await s.status(fx.entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(1);
    await expect(
      operations.operatePipeline(fx.entity, id, 'trigger'),
    ).resolves.toEqual({
      pipelineId: id,
      operation: 'trigger',
      reason: 'Workflow [orders] has been triggered',
    });
    expect(calls).toContain(`trigger ${id}`);
    await s.status(fx.entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(2);

    await expect(
      operations.operatePipeline(fx.entity, 'x; rm', 'deploy'),
    ).rejects.toThrow("'x; rm' is not a pipeline id (a UUID)");
    const refusing = fx.sources({
      pipelineOperation: async () => {
        throw Object.assign(
          new Error('Collate refused to trigger pipeline: not deployed'),
          { status: 400 },
        );
      },
    });
    await expect(
      fx
        .serviceWithOperations(refusing.impl)
        .operations.operatePipeline(fx.entity, id, 'trigger'),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'Collate refused to trigger pipeline: not deployed',
    });
    const missing = fx.sources({
      pipelineOperation: async () => {
        throw Object.assign(new Error('not found'), { status: 404 });
      },
    });
    await expect(
      fx
        .serviceWithOperations(missing.impl)
        .operations.operatePipeline(fx.entity, id, 'deploy'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    const silent = fx.sources({
      pipelineOperation: async () => {
        throw new Error('The operation was aborted due to timeout');
      },
    });
    await expect(
      fx
        .serviceWithOperations(silent.impl)
        .operations.operatePipeline(fx.entity, id, 'deploy'),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });
});
