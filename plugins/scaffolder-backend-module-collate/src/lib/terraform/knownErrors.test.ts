import { diagnosticsOf } from './diagnostics';
import { recognizeError } from './knownErrors';

/** One `-json` line of an error diagnostic, as Terraform writes it. */
const line = (summary: string, detail = '', address?: string) =>
  JSON.stringify({
    '@level': 'error',
    '@message': `Error: ${summary}`,
    type: 'diagnostic',
    diagnostic: { severity: 'error', summary, detail, address },
  });

describe("the guide's known provisioning errors", () => {
  it('reads diagnostics from -json output, ignoring other lines and warnings', () => {
    const output = [
      '{"@level":"info","@message":"Terraform 1.12.6","type":"version"}',
      'not json',
      JSON.stringify({
        type: 'diagnostic',
        diagnostic: { severity: 'warning', summary: 'Deprecated' },
      }),
      line('creating X', 'Code="Conflict"', 'module.infra.azurerm_x.y'),
    ].join('\n');
    expect(diagnosticsOf(output)).toEqual([
      { severity: 'warning', summary: 'Deprecated', detail: '' },
      {
        severity: 'error',
        summary: 'creating X',
        detail: 'Code="Conflict"',
        address: 'module.infra.azurerm_x.y',
      },
    ]);
  });

  it('knows the Flexible Server InternalServerError by its resource, not only by its wording', () => {
    const known = recognizeError(
      diagnosticsOf(
        line(
          'polling after Create: polling failed',
          'Code="InternalServerError" Message="An unexpected error occured while processing the request."',
          'module.infra.azurerm_postgresql_flexible_server.metaflow_database_server',
        ),
      ),
    );
    expect(known?.code).toBe('flexible-server-internal-error');
    expect(known?.remedy).toMatch(/wait about 20 minutes/);
    // The same code on another resource is not that error.
    expect(
      recognizeError(
        diagnosticsOf(
          line(
            'creating Storage Account',
            'Code="InternalServerError"',
            'module.infra.azurerm_storage_account.metaflow',
          ),
        ),
      ),
    ).toBeUndefined();
  });

  it('names the VM size of an AllocationFailed, and the family and region of a QuotaExceeded', () => {
    expect(
      recognizeError(
        diagnosticsOf(
          line(
            'creating Kubernetes Cluster',
            'Code="AllocationFailed" Message="Allocation failed. We do not have sufficient capacity for the requested VM size Standard_E8s_v5 in this region."',
          ),
        ),
      ),
    ).toEqual({
      code: 'allocation-failed',
      what: 'Azure could not allocate VMs of size Standard_E8s_v5 (AllocationFailed)',
      remedy:
        'Choose another VM size than Standard_E8s_v5 for the Kubernetes nodes or task workers, or another region or availability zone, and run again.',
    });
    expect(
      recognizeError(
        diagnosticsOf(
          line(
            'creating Kubernetes Cluster',
            'Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved standardESv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: northeurope, Current Limit: 20, Current Usage: 16, Additional Required: 8"',
          ),
        ),
      ),
    ).toEqual({
      code: 'quota-exceeded',
      what: "The subscription's standardESv5Family quota in northeurope is exceeded (QuotaExceeded)",
      remedy:
        'Request a quota increase for standardESv5Family in northeurope (Azure portal: Quotas, Compute), or choose a VM size of another family, and run again.',
    });
  });

  it('recognises nothing in plain log text: only diagnostics count', () => {
    expect(
      recognizeError(
        diagnosticsOf('Error: Code="QuotaExceeded" in a log line'),
      ),
    ).toBeUndefined();
  });
});
