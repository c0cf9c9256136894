import type { CollateContractServer, IngestionPipeline } from './model.ts';

/** The agent id of the fixture's hybrid runner. */
export const FIXTURE_RUNNER = 'acme-runner';

/**
 * What the contract tests read from a Collate server: three pipelines of service `warehouse` (one run by the
 * hybrid runner `acme-runner`, with two runs: a success three minutes ago, then a failure two minutes ago) and one
 * of service `crm`, the runner connected, and a finished reindex an hour ago. Returns the runner's pipeline.
 */
export function seedContractFixture(
  collate: CollateContractServer,
  now = Date.now(),
): IngestionPipeline {
  const metadata = collate.addPipeline({
    name: 'warehouse_metadata',
    runner: FIXTURE_RUNNER,
  });
  collate.addPipeline({ name: 'warehouse_profiler', pipelineType: 'profiler' });
  collate.addPipeline({ name: 'warehouse_usage', pipelineType: 'usage' });
  collate.addPipeline({
    name: 'crm_metadata',
    service: { name: 'crm', fullyQualifiedName: 'crm' },
  });
  for (const [i, state] of (['success', 'failed'] as const).entries())
    collate.addPipelineStatus(metadata.fullyQualifiedName, {
      runId: `run-${i}`,
      pipelineState: state,
      startDate: now - (3 - i) * 60_000,
      timestamp: now - (3 - i) * 60_000,
      endDate: now - (2 - i) * 60_000,
    });
  collate.connectRunner(FIXTURE_RUNNER);
  collate.addReindexRun({
    status: 'success',
    timestamp: now - 3_600_000,
    startTime: now - 3_600_000,
    endTime: now - 3_500_000,
    executionTime: 100_000,
  });
  return metadata;
}
