import {
  entity,
  sources,
  serviceWithOperations,
} from '../status/__testUtils__/statusFixtures';

describe('CollateOperations', () => {
  it("triggers a pipeline on the entity's Collate server and reads the pipelines again on the next view", async () => {
    const { impl, calls } = sources();
    const { status: s, operations } = serviceWithOperations(impl);
    const id = '0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01';
    await s.status(entity, ['ingestion']);
    await s.status(entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(1);
    await expect(
      operations.operatePipeline(entity, id, 'trigger'),
    ).resolves.toEqual({
      pipelineId: id,
      operation: 'trigger',
      reason: 'Workflow [orders] has been triggered',
    });
    expect(calls).toContain(`trigger ${id}`);
    await s.status(entity, ['ingestion']);
    expect(calls.filter(c => c === 'pipelines')).toHaveLength(2);

    await expect(
      operations.operatePipeline(entity, 'x; rm', 'deploy'),
    ).rejects.toThrow("'x; rm' is not a pipeline id (a UUID)");
    const refusing = sources({
      pipelineOperation: async () => {
        throw Object.assign(
          new Error('Collate refused to trigger pipeline: not deployed'),
          { status: 400 },
        );
      },
    });
    await expect(
      serviceWithOperations(refusing.impl).operations.operatePipeline(
        entity,
        id,
        'trigger',
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'Collate refused to trigger pipeline: not deployed',
    });
    const missing = sources({
      pipelineOperation: async () => {
        throw Object.assign(new Error('not found'), { status: 404 });
      },
    });
    await expect(
      serviceWithOperations(missing.impl).operations.operatePipeline(
        entity,
        id,
        'deploy',
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    const silent = sources({
      pipelineOperation: async () => {
        throw new Error('The operation was aborted due to timeout');
      },
    });
    await expect(
      serviceWithOperations(silent.impl).operations.operatePipeline(
        entity,
        id,
        'deploy',
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });
});
