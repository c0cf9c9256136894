import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { isAppRunActive } from '@collate-backstage/plugin-collate-common';
import {
  CollateApiClient,
  findCollateServer,
  normalizeUrl,
  readCollateServers,
  REINDEX_APP,
  UpstreamError,
  type CollateServerConfig,
} from '@collate-backstage/plugin-collate-node';
import { assertServiceUrl, fail } from '../../lib/validation';
import { examples } from './reindex.examples';

const SUCCEEDED = new Set(['success', 'completed']);

/** Thrown when the server is not configured or does not answer: `ifUnavailable: skip` turns it into a skip. */
class Unavailable extends Error {}

/**
 * `collate:reindex`: the guides' post-install step, "configure ReIndexing from the OpenMetadata UI", through Collate's
 * API: triggers SearchIndexingApplication and waits, bounded, for its run. A run already in progress is awaited, not
 * started twice; dry-run says which of the two would happen. The server and its bot token come from
 * `collate.servers` (as for the status cards); the token is never logged or output.
 * @public
 */
export function createCollateReindexAction(options: {
  config: Config;
  /** Poll interval and heartbeat of the wait (tests shorten them). */
  pollMs?: number;
  heartbeatMs?: number;
}) {
  const pollMs = options.pollMs ?? 3000;
  const client = new CollateApiClient();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  return createTemplateAction({
    id: 'collate:reindex',
    description: `Rebuilds Collate's search indexes (the guides' post-install "ReIndexing" step): triggers ${REINDEX_APP} through the Collate API with the bot token of collate.servers, or awaits the run already in progress, then waits, bounded, for it to finish.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        serverUrl: z =>
          z
            .string()
            .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/)
            .describe(
              'The Collate server as in collate.io/server-url (e.g. the deploy step output serviceUrl): http(s)://host[:port], listed under collate.servers in the backend configuration',
            ),
        recreateIndex: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Drop and recreate the indexes instead of updating them (slower; search is incomplete meanwhile)',
            ),
        waitSeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .max(7200)
            .default(1800)
            .describe(
              'How long to wait for the run to finish (0: trigger only). The run goes on in Collate after a time-out.',
            ),
        unlessSucceededSince: z =>
          z
            // Empty when the deploy step had no revision to report (its dry-run of a first install).
            .union([z.literal(''), z.string().datetime({ offset: true })])
            .optional()
            .describe(
              'Leave the indexes alone when a reindex succeeded after this time (ISO 8601), e.g. the deploy step output deployedAt: a template run again on an unchanged release does not reindex again',
            ),
        ifUnavailable: z =>
          z
            .enum(['fail', 'skip'])
            .default('fail')
            .describe(
              'When the server is not listed under collate.servers or does not answer: fail the step, or skip it with a note in the log (a template run before the portal has the new server’s bot token)',
            ),
      },
      output: {
        status: z =>
          z
            .string()
            .describe(
              'Outcome: success, running (still running when the wait ended), unchanged (rebuilt since unlessSucceededSince), skipped, or planned (dry-run)',
            ),
        started: z =>
          z
            .boolean()
            .describe(
              'Whether this step started the run (false when it awaited one already in progress)',
            ),
      },
    },
    async handler(ctx) {
      const { serverUrl } = ctx.input;
      assertServiceUrl('serverUrl', serverUrl);
      const recreateIndex = ctx.input.recreateIndex ?? false;
      const waitSeconds = ctx.input.waitSeconds ?? 1800;
      const ifUnavailable = ctx.input.ifUnavailable ?? 'fail';
      const dryRun = Boolean(ctx.isDryRun);
      const since = ctx.input.unlessSucceededSince
        ? Date.parse(ctx.input.unlessSucceededSince)
        : undefined; // '' or unset: always reindex
      if (since !== undefined && Number.isNaN(since))
        fail(
          'unlessSucceededSince',
          `'${ctx.input.unlessSucceededSince}' is not an ISO 8601 time`,
        );

      const server: CollateServerConfig | undefined = findCollateServer(
        readCollateServers(options.config),
        serverUrl,
      );
      const signal = () => AbortSignal.timeout(15_000);
      const unavailable = (e: unknown) =>
        e instanceof UpstreamError &&
        (e.status === 0 || e.status === 401 || e.status === 403)
          ? new Unavailable(
              e.status === 0
                ? `Collate at ${serverUrl} did not answer: ${e.message}`
                : `Collate at ${serverUrl} refused the bot token of collate.servers (HTTP ${e.status})`,
            )
          : e;
      const latestRun = async () => {
        try {
          return await client.lastReindex(server!, signal());
        } catch (e) {
          if (e instanceof UpstreamError && e.status === 404)
            throw new Error(
              `Collate at ${serverUrl} has no ${REINDEX_APP} installed (HTTP 404)`,
            );
          if (
            e instanceof UpstreamError &&
            e.status >= 400 &&
            e.status !== 401 &&
            e.status !== 403
          )
            throw new Unavailable(
              `Collate at ${serverUrl} answered HTTP ${e.status} for the ${REINDEX_APP} runs`,
            );
          throw unavailable(e);
        }
      };
      const startedAt = (run?: { startTime?: string }) =>
        run?.startTime ? Date.parse(run.startTime) : 0;

      try {
        if (!server) {
          if (ifUnavailable === 'skip')
            throw new Unavailable(
              `${serverUrl} is not listed under collate.servers in the backend configuration`,
            );
          fail(
            'serverUrl',
            `${serverUrl} is not listed under collate.servers in the backend configuration (the server's URL, where the backend reaches it, and a bot token)`,
          );
        }
        const current = await latestRun();
        const inProgress = current && isAppRunActive(current.status);
        const at = (t?: string) => t ?? 'unknown';
        if (
          !inProgress &&
          since !== undefined &&
          current &&
          SUCCEEDED.has(current.status) &&
          startedAt(current) >= since
        ) {
          ctx.logger.info(
            `unchanged: the search indexes of ${serverUrl} were rebuilt at ${at(
              current.startTime,
            )}, after ${ctx.input.unlessSucceededSince}`,
          );
          ctx.output('status', 'unchanged');
          ctx.output('started', false);
          return;
        }
        if (inProgress) {
          ctx.logger.info(
            `${
              dryRun ? 'would await' : 'awaiting'
            }: the ${REINDEX_APP} run in progress on ${serverUrl} since ${at(
              current.startTime,
            )} (not started twice)`,
          );
        } else {
          ctx.logger.info(
            `${
              dryRun ? 'would trigger' : 'triggering'
            }: ${REINDEX_APP} on ${serverUrl} with {"recreateIndex": ${recreateIndex}}${
              waitSeconds ? `, then wait up to ${waitSeconds} s` : ''
            }`,
          );
        }
        if (dryRun) {
          ctx.output('status', 'planned');
          ctx.output('started', !inProgress);
          return;
        }

        let started = false;
        let triggeredAt = 0;
        if (!inProgress) {
          // A task resumed after a restart does not trigger a second run: the checkpoint holds when it did.
          triggeredAt = await ctx.checkpoint({
            key: `collate.reindex.${normalizeUrl(serverUrl)}`,
            fn: async () => {
              try {
                const triggered = await client.startReindex(
                  server!,
                  { recreateIndex },
                  signal(),
                );
                return triggered ? Date.now() : 0;
              } catch (e) {
                if (e instanceof UpstreamError && e.status === 400)
                  throw new Error(
                    `Collate refused to start ${REINDEX_APP}: ${
                      e.upstreamMessage ?? 'HTTP 400'
                    }`,
                  );
                if (e instanceof UpstreamError && e.status > 0)
                  throw new Error(
                    `Collate answered HTTP ${e.status} to the ${REINDEX_APP} trigger`,
                  );
                throw unavailable(e);
              }
            },
          });
          started = triggeredAt > 0;
          ctx.logger.info(
            started
              ? `${REINDEX_APP} started on ${serverUrl}`
              : `a ${REINDEX_APP} run started meanwhile on ${serverUrl}: awaiting it`,
          );
        }
        ctx.output('started', started);
        if (waitSeconds === 0) {
          ctx.output('status', 'running');
          return;
        }

        const begin = Date.now();
        const deadline = begin + waitSeconds * 1000;
        let lastBeat = begin;
        for (;;) {
          const run = await latestRun();
          // Right after the trigger Collate may still list the previous, finished run.
          const ours =
            run &&
            (!started ||
              isAppRunActive(run.status) ||
              startedAt(run) >= triggeredAt - 60_000);
          if (ours && run && !isAppRunActive(run.status)) {
            if (SUCCEEDED.has(run.status)) {
              ctx.logger.info(
                `${REINDEX_APP} finished on ${serverUrl}: ${run.status}${
                  run.startTime && run.endTime
                    ? ` in ${Math.round(
                        (Date.parse(run.endTime) - startedAt(run)) / 1000,
                      )} s`
                    : ''
                }`,
              );
              ctx.output('status', 'success');
              return;
            }
            throw new Error(
              `${REINDEX_APP} ended ${run.status} on ${serverUrl}: ${
                run.failure ?? '{}'
              }`,
            );
          }
          const now = Date.now();
          if (now >= deadline) {
            ctx.logger.warn(
              `${REINDEX_APP} still running on ${serverUrl} after ${waitSeconds} s; it goes on in Collate`,
            );
            ctx.output('status', 'running');
            return;
          }
          if (now - lastBeat >= heartbeatMs) {
            lastBeat = now;
            ctx.logger.info(
              `awaiting ${REINDEX_APP} on ${serverUrl}: ${
                run?.status ?? 'not listed yet'
              }, ${Math.round(
                (now - begin) / 1000,
              )} s of at most ${waitSeconds} s`,
            );
          }
          await new Promise(r =>
            setTimeout(r, Math.min(pollMs, deadline - now)),
          );
        }
      } catch (e) {
        if (e instanceof Unavailable && ifUnavailable === 'skip') {
          ctx.logger.warn(
            `reindex skipped: ${e.message}. Run collate:reindex again once the server is listed under collate.servers (or start Search Indexing in Collate's Settings → Applications).`,
          );
          ctx.output('status', 'skipped');
          ctx.output('started', false);
          return;
        }
        throw e;
      }
    },
  });
}
