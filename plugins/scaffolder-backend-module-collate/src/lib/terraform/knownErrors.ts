import type { TerraformDiagnostic } from './diagnostics';

/** A provisioning error of guide 004, recognised in Terraform's diagnostics: what happened and what to do. */
export interface KnownError {
  code:
    | 'flexible-server-internal-error'
    | 'allocation-failed'
    | 'quota-exceeded';
  what: string;
  remedy: string;
}

/** What a diagnostic says, summary and detail together. */
const textOf = (d: TerraformDiagnostic) => `${d.summary}\n${d.detail}`;

/** The rules, in order: each reads one error diagnostic (its resource address and Azure's error code in it). */
const RULES: Array<(d: TerraformDiagnostic) => KnownError | undefined> = [
  d => {
    const text = textOf(d);
    if (
      !/\bInternalServerError\b/.test(text) ||
      !(
        /azurerm_postgresql_flexible_server/.test(d.address ?? '') ||
        /Flexible Server/i.test(text)
      )
    )
      return undefined;
    return {
      code: 'flexible-server-internal-error',
      what: 'Azure failed to create the PostgreSQL Flexible Server (InternalServerError)',
      remedy:
        'Azure answers this for a while after the first Flexible Server of a subscription: wait about 20 minutes and run the template again (it picks up where it stopped).',
    };
  },
  d => {
    const text = textOf(d);
    if (!/\bAllocationFailed\b/.test(text)) return undefined;
    const size = /\b(Standard_[A-Za-z0-9_]+)\b/.exec(text)?.[1];
    return {
      code: 'allocation-failed',
      what: `Azure could not allocate ${
        size ? `VMs of size ${size}` : 'the requested VM size'
      } (AllocationFailed)`,
      remedy: `Choose another VM size${
        size ? ` than ${size}` : ''
      } for the Kubernetes nodes or task workers, or another region or availability zone, and run again.`,
    };
  },
  d => {
    const text = textOf(d);
    if (!/\bQuotaExceeded\b/.test(text)) return undefined;
    const family = /approved (\w+) Cores quota/i.exec(text)?.[1];
    const region = /Location:\s*([\w-]+)/i.exec(text)?.[1];
    const which = [family, region && `in ${region}`].filter(Boolean).join(' ');
    return {
      code: 'quota-exceeded',
      what: `The subscription's ${family ?? 'VM cores'} quota${
        region ? ` in ${region}` : ''
      } is exceeded (QuotaExceeded)`,
      remedy: `Request a quota increase${
        which ? ` for ${which}` : ' for the VM family in that region'
      } (Azure portal: Quotas, Compute), or choose a VM size of another family, and run again.`,
    };
  },
];

/** The known error among a run's error diagnostics, if any. */
export function recognizeError(
  diagnostics: TerraformDiagnostic[],
): KnownError | undefined {
  for (const d of diagnostics.filter(x => x.severity === 'error'))
    for (const rule of RULES) {
      const known = rule(d);
      if (known) return known;
    }
  return undefined;
}

/** A step failure that is one of the known errors: its message says what to do, `code` which one it is. */
export class TerraformKnownError extends Error {
  constructor(message: string, readonly code: KnownError['code']) {
    super(message);
    this.name = 'TerraformKnownError';
  }
}
