/**
 * Short values (a phase, a time, a duration) stay on one line in a table; the name column takes what is left. Frozen:
 * it is shared, and Backstage's `Table` writes into a highlight column's `cellStyle` (give those `noWrap()`).
 */
export const NO_WRAP = Object.freeze({ whiteSpace: 'nowrap' } as const);

/** A copy of {@link NO_WRAP} that its user may change (a highlight column's `cellStyle`). */
export const noWrap = () => ({ ...NO_WRAP });

/** A run's duration: `1h 2m 3s`, `2m 3s`, `3s`; `—` when unknown. */
export function formatDuration(seconds?: number): string {
  if (seconds === undefined) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h && `${h}h`, (h || m) && `${m}m`, `${s}s`].filter(Boolean).join(' ');
}

/** A span of time in minutes, or hours and minutes past 90 minutes (its sign is the caller's to say). */
export function formatMinutes(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return minutes < 90
    ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
