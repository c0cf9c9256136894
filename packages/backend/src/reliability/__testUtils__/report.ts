// The crash runs' table, as the test and `scripts/bench reliability` print it.
import type { CrashRun, Topology } from './runs';

export interface ReliabilitySummary {
  topology: Topology;
  runs: number;
  kills: number;
  recovered: number;
  duplicates: number;
  pendingReleases: number;
  meanRecoveryMs: number;
  worstRecoveryMs: number;
  meanTakeOverMs: number;
  maxSilenceMs: number;
}

export function summarize(
  topology: Topology,
  runs: CrashRun[],
): ReliabilitySummary {
  const killed = runs.filter(r => r.killAfterMs !== undefined);
  const recovered = killed.filter(r => r.status === 'completed');
  const times = recovered.map(r => r.recoveryMs!);
  const takeOvers = recovered
    .filter(r => r.takenOverMs !== undefined)
    .map(r => r.takenOverMs!);
  const mean = (xs: number[]) =>
    xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0;
  return {
    topology,
    runs: runs.length,
    kills: killed.length,
    recovered: recovered.length,
    duplicates: runs.reduce((n, r) => n + r.duplicates.length, 0),
    pendingReleases: runs.reduce((n, r) => n + r.pendingReleases.length, 0),
    meanRecoveryMs: mean(times),
    worstRecoveryMs: Math.max(0, ...times),
    meanTakeOverMs: mean(takeOvers),
    maxSilenceMs: Math.max(0, ...runs.map(r => r.maxSilenceMs)),
  };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A Markdown table, its columns padded: the first row is the header. */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A Markdown table: one row per topology. */
export function formatTable(summaries: ReliabilitySummary[]): string {
  const rows = [
    [
      'topology',
      'runs',
      'kills',
      'recovered',
      'duplicates or missing',
      'pending releases',
      'mean recovery',
      'worst recovery',
      'mean take-over',
      'longest silence',
    ],
    ...summaries.map(s => [
      s.topology === 'aws' ? 'AWS EKS' : 'Azure AKS',
      String(s.runs),
      String(s.kills),
      `${s.recovered} (${
        s.kills ? Math.round((100 * s.recovered) / s.kills) : 0
      }%)`,
      String(s.duplicates),
      String(s.pendingReleases),
      seconds(s.meanRecoveryMs),
      seconds(s.worstRecoveryMs),
      seconds(s.meanTakeOverMs),
      seconds(s.maxSilenceMs),
    ]),
  ];
  return markdownTable(rows);
}

/** Where each run was killed: step id and how many runs were killed in it. */
export function killPoints(runs: CrashRun[]): string {
  const counts = new Map<string, number>();
  for (const r of runs)
    if (r.killedStep)
      counts.set(r.killedStep, (counts.get(r.killedStep) ?? 0) + 1);
  return [...counts.entries()].map(([step, n]) => `${step} ×${n}`).join(', ');
}
