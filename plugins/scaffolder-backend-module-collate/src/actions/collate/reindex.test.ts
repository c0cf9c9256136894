import { describeActionInput } from '../../__testUtils__/actionInput';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  startCollateContractServer,
  type CollateContractServer,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import { createCollateReindexAction } from './reindex';

describe('collate:reindex against the Collate contract server', () => {
  const serverUrl = 'http://openmetadata.collate:8585';
  let collate: CollateContractServer;
  let token: string;
  let action: ReturnType<typeof createCollateReindexAction>;

  beforeEach(async () => {
    collate = await startCollateContractServer();
    token = collate.issueToken('ingestion-bot');
    collate.setReindexOutcome('success', 600);
    action = createCollateReindexAction({
      config: new ConfigReader({
        collate: {
          servers: [{ url: `${serverUrl}/`, baseUrl: collate.url, token }],
        },
      }),
      pollMs: 50,
      heartbeatMs: 200,
    });
  });
  afterEach(() => collate.close().catch(() => undefined));

  const triggers = () =>
    collate.calls.filter(
      c => c.method === 'POST' && c.path.includes('/apps/trigger/'),
    ).length;

  it('triggers SearchIndexingApplication with the recreateIndex setting and waits for it, saying what it awaits', async () => {
    const { ctx, logger, outputs } = actionContext({
      serverUrl,
      recreateIndex: true,
    });
    await action.handler(ctx as any);

    expect(outputs).toEqual({ started: true, status: 'success' });
    expect(triggers()).toBe(1);
    expect(collate.reindexRuns()[0]).toMatchObject({
      status: 'success',
      config: { recreateIndex: true },
    });
    expect(logger.lines.join('\n')).toMatch(
      /triggering: SearchIndexingApplication on http:\/\/openmetadata\.collate:8585 with \{"recreateIndex": true\}/,
    );
    // Progress while it runs: what is awaited, its state and for how long.
    expect(
      logger.lines.some(l =>
        /awaiting SearchIndexingApplication on .*: running, \d+ s of at most 1800 s/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(logger.lines.join('\n')).toMatch(/finished .*: success in \d+ s/);
    // The bot token stays in the backend.
    expect(JSON.stringify([logger.lines, outputs])).not.toContain(token);
  });

  it('awaits a run already in progress instead of starting a second one', async () => {
    collate.setReindexOutcome('success', 1500);
    const first = actionContext({ serverUrl, waitSeconds: 0 });
    await action.handler(first.ctx as any);
    expect(first.outputs).toEqual({ started: true, status: 'running' });

    const second = actionContext({ serverUrl });
    await action.handler(second.ctx as any);
    expect(second.outputs).toEqual({ started: false, status: 'success' });
    expect(triggers()).toBe(1);
    expect(collate.reindexRuns()).toHaveLength(1);
    expect(second.logger.lines.join('\n')).toMatch(
      /awaiting: the SearchIndexingApplication run in progress .* \(not started twice\)/,
    );
  });

  it('leaves the indexes alone when they were rebuilt after the release was deployed', async () => {
    collate.setReindexOutcome('success', 0);
    const deployedAt = new Date(Date.now() - 60_000).toISOString();
    const first = actionContext({
      serverUrl,
      unlessSucceededSince: deployedAt,
    });
    await action.handler(first.ctx as any);
    expect(first.outputs).toEqual({ started: true, status: 'success' });

    const second = actionContext({
      serverUrl,
      unlessSucceededSince: deployedAt,
    });
    await action.handler(second.ctx as any);
    expect(second.outputs).toEqual({ started: false, status: 'unchanged' });
    expect(triggers()).toBe(1);
    expect(second.logger.lines.join('\n')).toMatch(
      /unchanged: the search indexes of .* were rebuilt at .*, after /,
    );

    // A newer deployment than the last rebuild reindexes again.
    const third = actionContext({
      serverUrl,
      unlessSucceededSince: new Date(Date.now() + 1000).toISOString(),
    });
    await action.handler(third.ctx as any);
    expect(third.outputs).toEqual({ started: true, status: 'success' });
    expect(triggers()).toBe(2);
  });

  it('plans in dry-run without starting anything', async () => {
    const { ctx, logger, outputs } = actionContext(
      { serverUrl },
      { isDryRun: true },
    );
    await action.handler(ctx as any);
    expect(outputs).toEqual({ started: true, status: 'planned' });
    expect(collate.mutatingCalls()).toEqual([]);
    expect(logger.lines.join('\n')).toMatch(
      /would trigger: SearchIndexingApplication on http:\/\/openmetadata\.collate:8585 with \{"recreateIndex": false\}, then wait up to 1800 s/,
    );
  });

  it('does not trigger again when a resumed task already did (checkpoint)', async () => {
    const { ctx, outputs } = actionContext({ serverUrl, waitSeconds: 0 });
    const store = new Map<string, unknown>([
      [`collate.reindex.${serverUrl}`, Date.now()],
    ]);
    (ctx as any).checkpoint = async ({ key, fn }: any) =>
      store.has(key) ? store.get(key) : fn();
    await action.handler(ctx as any);
    expect(triggers()).toBe(0);
    expect(outputs).toMatchObject({ started: true });
  });

  it('fails with Collate’s reason when the run fails', async () => {
    collate.setReindexOutcome('failed', 100);
    const { ctx } = actionContext({ serverUrl });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /SearchIndexingApplication ended failed on http:\/\/openmetadata\.collate:8585: Reindexing failed: search cluster unavailable/,
    );
  });

  it('returns when the bounded wait ends, the run going on in Collate', async () => {
    collate.setReindexOutcome('success', 60_000);
    const { ctx, logger, outputs } = actionContext({
      serverUrl,
      waitSeconds: 1,
    });
    await action.handler(ctx as any);
    expect(outputs).toEqual({ started: true, status: 'running' });
    expect(logger.lines.join('\n')).toMatch(/still running .* after 1 s/);
  });

  it('refuses a server not under collate.servers with an InputError before any call, or skips when asked', async () => {
    const other = 'http://openmetadata.elsewhere:8585';
    const refused = actionContext({ serverUrl: other });
    await expect(action.handler(refused.ctx as any)).rejects.toThrow(
      InputError,
    );
    await expect(action.handler(refused.ctx as any)).rejects.toThrow(
      /Invalid input 'serverUrl': .* is not listed under collate\.servers/,
    );
    expect(collate.calls).toEqual([]);

    const skipped = actionContext({ serverUrl: other, ifUnavailable: 'skip' });
    await action.handler(skipped.ctx as any);
    expect(skipped.outputs).toEqual({ started: false, status: 'skipped' });
    expect(skipped.logger.lines.join('\n')).toMatch(/reindex skipped/);
  });

  it('skips, when asked, a server that does not answer or refuses the token; fails otherwise', async () => {
    collate.failNext(/apps\/name/, 401, 2);
    const skipped = actionContext({ serverUrl, ifUnavailable: 'skip' });
    await action.handler(skipped.ctx as any);
    expect(skipped.outputs).toEqual({ started: false, status: 'skipped' });
    expect(skipped.logger.lines.join('\n')).toMatch(
      /refused the bot token of collate\.servers \(HTTP 401\)/,
    );
    const failing = actionContext({ serverUrl });
    await expect(action.handler(failing.ctx as any)).rejects.toThrow(
      /HTTP 401/,
    );

    await collate.close();
    const down = actionContext({ serverUrl, ifUnavailable: 'skip' });
    await action.handler(down.ctx as any);
    expect(down.outputs).toEqual({ started: false, status: 'skipped' });
    expect(down.logger.lines.join('\n')).toMatch(/did not answer/);
    expect(triggers()).toBe(0);
  });
});

describeActionInput('collate:reindex');
