// Server-side counts of what a run wrote to the local API server, from its audit log (write verbs only, see
// scripts/testenv/kubernetes.sh). Dry-run requests are not writes and are left out.
import { readFileSync } from 'node:fs';
import { requireEnv } from './env';

export interface AuditedWrite {
  verb: string;
  user: string;
  requestURI: string;
  code: number;
  at: number;
}

/** Write requests since a time, optionally only one user's and inside one namespace (tests run in parallel). */
export function kubernetesWrites(options: {
  since: number;
  user?: string;
  /** Only writes in these namespaces (and to the namespaces themselves). */
  namespace?: string | string[];
}): AuditedWrite[] {
  const namespaces =
    options.namespace === undefined ? undefined : [options.namespace].flat();
  const lines = readFileSync(
    requireEnv('COLLATE_TEST_K8S_AUDIT_LOG'),
    'utf8',
  ).split('\n');
  const writes: AuditedWrite[] = [];
  for (const line of lines) {
    if (!line) continue;
    const event = JSON.parse(line);
    const at = Date.parse(event.requestReceivedTimestamp);
    if (at < options.since) continue;
    if (/[?&]dryRun=All/.test(event.requestURI)) continue;
    if (options.user && event.user?.username !== options.user) continue;
    if (
      namespaces &&
      !namespaces.includes(event.objectRef?.namespace) &&
      !(
        event.objectRef?.resource === 'namespaces' &&
        namespaces.includes(event.objectRef?.name)
      )
    )
      continue;
    writes.push({
      verb: event.verb,
      user: event.user?.username,
      requestURI: event.requestURI,
      code: event.responseStatus?.code,
      at,
    });
  }
  return writes;
}

/** The identity the portal uses on the local cluster (scripts/testenv/kubernetes.sh). */
export const BACKSTAGE_SERVICE_ACCOUNT =
  'system:serviceaccount:kube-system:backstage';
