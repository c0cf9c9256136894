import type { CollateBackingServiceStatus } from '@collate-backstage/plugin-collate-common';
import { Findings } from '../findings';
import type { Annotations, GradeContext } from './context';

/**
 * The database or the search engine, as Collate's system status validates them; the search engine also by its
 * last reindex.
 */
export async function gradeBackingService(
  ctx: GradeContext,
  kind: 'database' | 'search',
  a: Annotations,
): Promise<CollateBackingServiceStatus> {
  const f = new Findings();
  const endpoint = kind === 'database' ? a.databaseEndpoint : a.searchEndpoint;
  const collate = ctx.servers.collateFor(a.serverUrl, f);
  const [system, reindex] = await Promise.all([
    collate && ctx.reads.systemStatus(collate),
    collate && kind === 'search' ? ctx.reads.lastReindex(collate) : undefined,
  ]);
  const status = system && f.take('collate', system);
  // The last reindex is extra detail: when Collate cannot list it, the search engine is judged without it.
  const lastReindex = reindex?.ok ? reindex.value : undefined;
  if (lastReindex?.status === 'failed' || lastReindex?.status === 'activeError')
    f.judge(
      'degraded',
      `Last reindex failed${
        lastReindex.failure ? `: ${lastReindex.failure}` : ''
      }`,
    );
  const step = status?.[kind === 'database' ? 'database' : 'searchInstance'];
  const parsed = step ? parseValidation(step.message) : {};
  if (status && !step) {
    f.judge('unknown', `Collate's system status has no ${kind} check`);
  } else if (step && !step.passed) {
    f.judge('unhealthy', step.message);
  }
  return {
    component: kind,
    ...f.result(ctx.config.notice),
    ...parsed,
    ...(endpoint ? { endpoint } : {}),
    ...(step ? { message: step.message } : {}),
    ...(lastReindex ? { reindex: lastReindex } : {}),
  };
}

const ENGINES: Array<[RegExp, string]> = [
  [/postgres/i, 'postgresql'],
  [/mysql/i, 'mysql'],
  [/opensearch/i, 'opensearch'],
  [/elasticsearch/i, 'elasticsearch'],
];

/** Type, version and host from a validation message such as "Connected to PostgreSQL 15.4 at db:5432". */
export function parseValidation(message: string): {
  type?: string;
  version?: string;
  host?: string;
} {
  const type = ENGINES.find(([re]) => re.test(message))?.[1];
  const version = message.match(/\b(\d+\.\d+(?:\.\d+)?)\b/)?.[1];
  const host = message.match(/\bat\s+([\w.-]+(?::\d+)?)/)?.[1];
  return {
    ...(type ? { type } : {}),
    ...(version ? { version } : {}),
    ...(host ? { host } : {}),
  };
}
