import {
  COLLATE_CONTRACT_LINES,
  FIXTURE_RUNNER,
  seedContractFixture,
  startCollateContractServer,
} from '@internal/testenv';
import { CollateApiClient } from './CollateApiClient';

const signal = () => AbortSignal.timeout(10_000);

/**
 * The one Collate client of the status backend, its routes and the actions, against the contract server answering as
 * each supported OpenMetadata line (whose shapes `openmetadataClient.integration.test.ts` checks with that line's own
 * client and models).
 */
describe.each(Object.entries(COLLATE_CONTRACT_LINES))(
  'CollateApiClient against OpenMetadata %s',
  (_line, version) => {
    it('reads versions, status, pipelines, runners and reindex runs, and operates pipelines and the reindex', async () => {
      const collate = await startCollateContractServer({ version });
      try {
        const server = {
          baseUrl: collate.url,
          token: collate.issueToken(),
          uiUrl: 'https://collate.example.com',
        };
        const client = new CollateApiClient(2);
        const now = Date.now();
        const p = seedContractFixture(collate, now);

        expect(await client.version(server, signal())).toBe(version);
        expect(
          Object.keys(await client.systemStatus(server, signal())),
        ).toEqual(expect.arrayContaining(['database', 'searchInstance']));
        const { pipelines, truncated } = await client.pipelines(
          server,
          10,
          signal(),
        );
        expect(truncated).toBe(false);
        // The newest run of each, however the line shapes pipelineStatuses.
        expect(pipelines.map(x => [x.name, x.lastState ?? null])).toEqual([
          ['warehouse_metadata', 'failed'],
          ['warehouse_profiler', null],
          ['warehouse_usage', null],
          ['crm_metadata', null],
        ]);
        expect(pipelines[0].lastRunAt).toBe(
          new Date(now - 120_000).toISOString(),
        );
        expect(
          await client.pipelineOperation(server, p.id, 'trigger', signal()),
        ).toEqual({
          reason: 'Workflow [warehouse_metadata] has been triggered',
        });
        expect(
          await client.listedRunner(server, FIXTURE_RUNNER, signal()),
        ).toMatchObject({
          name: 'acme-runner',
        });
        expect(
          await client.startReindex(server, { recreateIndex: false }, signal()),
        ).toBe(true);
        expect((await client.lastReindex(server, signal()))?.status).toBe(
          'running',
        );
      } finally {
        await collate.close();
      }
    });
  },
);

it('says so, instead of guessing, for a Collate of a line it does not read', async () => {
  // A release newer than the lines modelled (its other answers in 2.0's shapes).
  const collate = await startCollateContractServer({
    version: '2.0.7',
    reportedVersion: '3.0.1',
  });
  try {
    const client = new CollateApiClient();
    collate.addPipeline({ name: 'warehouse_metadata' });
    await expect(
      client.pipelines(
        { baseUrl: collate.url, token: collate.issueToken() },
        10,
        signal(),
      ),
    ).rejects.toThrow(
      'Collate 3.0.1 is not a release line this plugin reads (1.12, 1.13, 2.0): its pipelines are not shown rather than misread. Upgrade the Collate plugins for Backstage',
    );
  } finally {
    await collate.close();
  }
});
