import type { LoggerService } from '@backstage/backend-plugin-api';
import { isDeepStrictEqual } from 'node:util';

/** What a step does (or, in dry-run, would do) to one resource. */
export interface PlannedChange {
  action: 'create' | 'update' | 'unchanged';
  /** A readable resource reference, e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/collate-ingestion`. */
  resource: string;
  /** For updates: each differing field, current and desired. Values are never secrets. */
  changes?: Record<string, { current: unknown; desired: unknown }>;
  /** For creates planned by {@link planFor}: what will be created. Values are never secrets. */
  desired?: Record<string, unknown>;
}

/** The fields of `desired` whose values differ from `current` (dot paths, compared deeply). */
export function diffFields(
  current: Record<string, unknown>,
  desired: Record<string, unknown>,
): PlannedChange['changes'] {
  const changes: NonNullable<PlannedChange['changes']> = {};
  for (const [field, value] of Object.entries(desired)) {
    if (value === undefined) continue;
    if (!isDeepStrictEqual(current[field], value)) {
      changes[field] = { current: current[field], desired: value };
    }
  }
  return changes;
}

export function planFor(
  resource: string,
  current: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): PlannedChange {
  if (!current) return { action: 'create', resource, desired };
  const changes = diffFields(current, desired);
  return changes && Object.keys(changes).length > 0
    ? { action: 'update', resource, changes }
    : { action: 'unchanged', resource };
}

/** Logs one planned change; in dry-run the words say "would". */
export function logChange(
  logger: LoggerService,
  change: PlannedChange,
  dryRun: boolean,
): void {
  const verb = {
    create: dryRun ? 'would create' : 'creating',
    update: dryRun ? 'would update' : 'updating',
    unchanged: 'unchanged',
  }[change.action];
  const fields = change.changes
    ? ` (${Object.entries(change.changes)
        .map(
          ([f, c]) =>
            `${f}: ${JSON.stringify(c.current)} -> ${JSON.stringify(
              c.desired,
            )}`,
        )
        .join('; ')})`
    : '';
  const created =
    change.action === 'create' && change.desired
      ? ` ${JSON.stringify(change.desired)}`
      : '';
  logger.info(`${verb} ${change.resource}${fields}${created}`);
}

/** A planned change from what was found: missing → create; differing fields → update; else unchanged. */
export function plannedChange(
  resource: string,
  found: { exists: boolean; changes?: PlannedChange['changes'] },
): PlannedChange {
  if (!found.exists) return { action: 'create', resource };
  if (found.changes && Object.keys(found.changes).length > 0) {
    return { action: 'update', resource, changes: found.changes };
  }
  return { action: 'unchanged', resource };
}
