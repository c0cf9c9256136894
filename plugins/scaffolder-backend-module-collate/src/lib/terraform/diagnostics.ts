/** An error or warning as Terraform reports it in its machine-readable output (`-json`, `"type": "diagnostic"`). */
export interface TerraformDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  /** The resource it is about, e.g. `module.infra.azurerm_postgresql_flexible_server.metaflow_database_server`. */
  address?: string;
}

/** The diagnostics of a run's `-json` output (one JSON object a line; other lines are ignored). */
export function diagnosticsOf(output: string): TerraformDiagnostic[] {
  const out: TerraformDiagnostic[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let message: {
      type?: string;
      diagnostic?: Partial<TerraformDiagnostic>;
    };
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    const d = message.diagnostic;
    if (message.type !== 'diagnostic' || !d) continue;
    out.push({
      severity: d.severity === 'warning' ? 'warning' : 'error',
      summary: d.summary ?? '',
      detail: d.detail ?? '',
      ...(d.address ? { address: d.address } : {}),
    });
  }
  return out;
}

/** The human line of a `-json` output line (`@message`), or the line itself when it is not one. */
export function messageOf(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const message = JSON.parse(line) as {
      '@message'?: string;
      diagnostic?: { detail?: string };
    };
    const detail = message.diagnostic?.detail;
    return [message['@message'], detail].filter(Boolean).join(': ') || line;
  } catch {
    return line;
  }
}
