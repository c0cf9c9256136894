import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { testEnv } from '../env';
import { seedContractFixture } from './collate/fixtures';
import {
  COLLATE_CONTRACT_LINES,
  startCollateContractServer,
  type CollateContractLine,
} from './collate';

const CHECK = resolvePackagePath(
  '@internal/testenv',
  'python',
  'openmetadata_client_check.py',
);

/**
 * The contract server, answering as each supported OpenMetadata line, driven by that line's own Python client and
 * checked with its generated models (PyPI openmetadata-ingestion, one virtualenv per line): a field the model does
 * not know, a required one missing, or a route the client calls that is not there fails the check.
 */
describe.each(Object.entries(COLLATE_CONTRACT_LINES))(
  'the Collate contract server as OpenMetadata %s, through its own client and models',
  (line, version) => {
    it('answers every route the plugins use in the shapes the real client parses', async () => {
      const collate = await startCollateContractServer({ version });
      try {
        seedContractFixture(collate);

        const { stdout } = await promisify(execFile)(
          testEnv.openMetadataPython(line),
          [
            '-W',
            'ignore',
            CHECK,
            `${collate.url}/api`,
            collate.issueToken(),
            'warehouse',
            'acme-runner',
          ],
          { timeout: 120_000 },
        ).catch(e => ({ stdout: String(e.stdout ?? e) }));
        const seen = JSON.parse(stdout.trim().split('\n').pop()!);
        expect(seen.error).toBeUndefined();
        expect(seen.version.server).toBe(version);
        expect(seen.version.client.split('.').slice(0, 2).join('.')).toBe(line);
        expect(seen.pipelines).toEqual([
          {
            fqn: 'warehouse.warehouse_metadata',
            sourceConfig: 'DatabaseServiceMetadataPipeline',
            runner: 'acme-runner',
            statuses: (line as CollateContractLine) === '2.0' ? 2 : 1,
          },
          {
            fqn: 'warehouse.warehouse_profiler',
            sourceConfig: 'DatabaseServiceProfilerPipeline',
            runner: null,
            statuses: 0,
          },
          {
            fqn: 'warehouse.warehouse_usage',
            sourceConfig: 'DatabaseServiceQueryUsagePipeline',
            runner: null,
            statuses: 0,
          },
        ]);
        expect(seen.getByName).toBe('warehouse.warehouse_metadata');
        expect(seen.getMissing).toBe(true);
        expect(seen.statusesBetween).toEqual(['failed', 'success']);
        expect(seen.deploy.code).toBe(200);
        expect(seen.trigger.reason).toBe(
          'Workflow [warehouse_metadata] has been triggered',
        );
        expect(seen.appRuns[0]).toBe('running');
        expect(seen.appRuns).toContain('success');
        expect(seen.runners).toEqual(['acme-runner']);
      } finally {
        await collate.close();
      }
    }, 180_000);
  },
);
