/**
 * The OpenMetadata (Collate) release lines whose API answers this plugin set reads, and where their shapes differ.
 * Tested against each line's own generated models and Python client (packages/testenv, `openmetadata_client_check`).
 * @public
 */
export const COLLATE_API_LINES = ['1.12', '1.13', '2.0'] as const;

/** One of {@link COLLATE_API_LINES}. @public */
export type CollateApiLine = (typeof COLLATE_API_LINES)[number];

/** The line of a version Collate reports (`1.13.6`, `2.0.7-SNAPSHOT`); undefined for a line this plugin does not read. @public */
export function collateApiLineOf(version: string): CollateApiLine | undefined {
  const line = version.trim().split(/[.-]/).slice(0, 2).join('.');
  return (COLLATE_API_LINES as readonly string[]).includes(line)
    ? (line as CollateApiLine)
    : undefined;
}

/** What a run of an ingestion pipeline says about itself (OpenMetadata's PipelineStatus). */
export interface PipelineRun {
  pipelineState?: string;
  startDate?: number;
  timestamp?: number;
}

/**
 * The last run of a pipeline from its `pipelineStatuses` field, as the line defines it: the last run itself up to
 * 1.13, the list of the most recent runs from 2.0 (the newest by its start, whatever the order).
 */
export function lastPipelineRun(
  line: CollateApiLine,
  pipelineStatuses: unknown,
): PipelineRun | undefined {
  if (pipelineStatuses === undefined || pipelineStatuses === null)
    return undefined;
  if (line === '2.0') {
    if (!Array.isArray(pipelineStatuses))
      throw new Error(
        `Collate ${line} answered pipelineStatuses as ${typeof pipelineStatuses}, not the list its schema defines`,
      );
    const runs = pipelineStatuses as PipelineRun[];
    const at = (r: PipelineRun) => r.startDate ?? r.timestamp ?? 0;
    return runs.reduce<PipelineRun | undefined>(
      (newest, r) => (!newest || at(r) > at(newest) ? r : newest),
      undefined,
    );
  }
  if (Array.isArray(pipelineStatuses) || typeof pipelineStatuses !== 'object')
    throw new Error(
      `Collate ${line} answered pipelineStatuses as a ${
        Array.isArray(pipelineStatuses) ? 'list' : typeof pipelineStatuses
      }, not the last run its schema defines`,
    );
  return pipelineStatuses as PipelineRun;
}
