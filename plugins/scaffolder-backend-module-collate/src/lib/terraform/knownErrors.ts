/** The guides' known provisioning errors (guide 004) and their documented remedies. */
export const KNOWN_ERRORS: Array<{
  pattern: RegExp;
  what: string;
  remedy: string;
}> = [
  {
    pattern:
      /Postgresql Flexible Server[\s\S]*Code="InternalServerError"|Code="InternalServerError"[\s\S]*postgresql_flexible_server/i,
    what: 'Azure PostgreSQL Flexible Server creation failed with InternalServerError',
    remedy:
      'The Azure API is flaky for the first Flexible Server of a subscription: wait about 20 minutes and run this step again.',
  },
  {
    pattern: /AllocationFailed/,
    what: 'Azure could not allocate the requested VM size (AllocationFailed)',
    remedy:
      'Choose another VM size for the Kubernetes nodes or task workers, or another region or availability zone, and run again.',
  },
  {
    pattern: /QuotaExceeded/,
    what: 'The VM cores quota of the subscription is exceeded (QuotaExceeded)',
    remedy:
      'Request a quota increase for the VM family in that region (Azure portal: Quotas), or choose a VM size of another family, and run again.',
  },
];

/** The known error a failed run's output shows, if any. */
export function recognizeError(
  output: string,
): { what: string; remedy: string } | undefined {
  return KNOWN_ERRORS.find(e => e.pattern.test(output));
}
