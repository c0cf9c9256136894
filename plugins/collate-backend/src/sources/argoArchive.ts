import type { ArgoServerConfig } from '../config';
import { getJson } from '@collate-backstage/plugin-collate-node';

/** A finished run as Argo's workflow archive records it. */
export interface ArchivedRun {
  name: string;
  phase: 'Succeeded' | 'Failed' | 'Error';
  /** Epoch ms. */
  startedAt: number;
  finishedAt?: number;
}

export interface ArchivedRuns {
  runs: ArchivedRun[];
  /** The window holds more runs than `maxRuns`: the oldest were not read. */
  truncated: boolean;
}

/** Finished runs only: the archive keeps nothing else, and the selector says so to the database. */
const FINISHED_SELECTOR =
  'workflows.argoproj.io/phase in (Succeeded,Failed,Error)';

interface ArchivedWorkflowList {
  metadata?: { continue?: string };
  items?: Array<{
    metadata?: { name?: string };
    status?: { phase?: string; startedAt?: string; finishedAt?: string };
  }> | null;
}

/**
 * The finished runs of a namespace that started after `since`, from the Argo server's workflow archive
 * (`GET /api/v1/archived-workflows`, `persistence.archive` on the controller): paged with `listOptions.limit` and the
 * offset Argo returns in `metadata.continue`, filtered by the server with a label selector and the
 * `spec.startedAt>` field selector its archive understands. At most `maxRuns` are read.
 */
export async function listArchivedRuns(
  server: ArgoServerConfig,
  namespace: string,
  since: Date,
  signal: AbortSignal,
  options: { pageSize?: number; maxRuns?: number } = {},
): Promise<ArchivedRuns> {
  const pageSize = options.pageSize ?? 500;
  const maxRuns = options.maxRuns ?? 10_000;
  const runs: ArchivedRun[] = [];
  let offset: string | undefined;
  for (;;) {
    const query = new URLSearchParams({
      namespace,
      'listOptions.labelSelector': FINISHED_SELECTOR,
      // Argo parses the time as RFC 3339 without fractions.
      'listOptions.fieldSelector': `spec.startedAt>${since
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')}`,
      'listOptions.limit': String(Math.min(pageSize, maxRuns - runs.length)),
      ...(offset ? { 'listOptions.continue': offset } : {}),
    });
    const page = await getJson<ArchivedWorkflowList>(
      'Argo server',
      `${server.baseUrl}/api/v1/archived-workflows?${query}`,
      { token: server.token, signal },
    );
    for (const item of page.items ?? []) {
      const run = toRun(item);
      if (run) runs.push(run);
    }
    offset = page.metadata?.continue || undefined;
    if (!offset) return { runs, truncated: false };
    if (runs.length >= maxRuns) return { runs, truncated: true };
  }
}

function toRun(
  item: NonNullable<ArchivedWorkflowList['items']>[number],
): ArchivedRun | undefined {
  const phase = item.status?.phase;
  const startedAt = Date.parse(item.status?.startedAt ?? '');
  if (
    !item.metadata?.name ||
    (phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Error') ||
    Number.isNaN(startedAt)
  )
    return undefined;
  const finishedAt = Date.parse(item.status?.finishedAt ?? '');
  return {
    name: item.metadata.name,
    phase,
    startedAt,
    ...(Number.isNaN(finishedAt) ? {} : { finishedAt }),
  };
}
