/**
 * How a Hybrid Ingestion Runner reports its connection to Collate: the chart's pods carry this label, serve
 * Prometheus metrics on this port at `/metrics`, and set this gauge to 1 while connected (the chart's own
 * `HybridAgentDisconnected` alert fires on 0). @public
 */
export const HYBRID_RUNNER_METRICS = {
  podSelector: 'app.kubernetes.io/name=hybrid-ingestion-runner',
  port: 8989,
  path: '/metrics',
  connectedGauge: 'collate_hybrid_agent_connected',
} as const;

/**
 * The value of each named metric in Prometheus text format: its unlabelled sample, else its first sample.
 * Metrics absent from the text are absent from the result. @public
 */
export function readGauges(
  text: string,
  names: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!m || !names.includes(m[1])) continue;
    if (out[m[1]] === undefined || !m[2]) out[m[1]] = Number(m[3]);
  }
  return out;
}
