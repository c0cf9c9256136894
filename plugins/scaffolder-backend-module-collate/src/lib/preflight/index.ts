import { aksWorkloadIdentityCheck } from './aksWorkloadIdentity';
import { argoCheck } from './argo';
import type { PreflightCheckDefinition } from './check';
import { databaseCheck } from './database';
import { eksOidcProviderCheck } from './eksOidcProvider';
import { kubernetesVersionCheck } from './kubernetesVersion';
import { searchCheck } from './search';
import { workerNodesCheck } from './workerNodes';

export * from './check';
export { judgeMysql, judgePostgres } from './database';
export { judgeSearch } from './search';
export { cpuCores, memoryGi } from './workerNodes';

/** The checks of `collate:preflight`, in the order they run and are reported. */
export const PREFLIGHT_CHECKS: readonly PreflightCheckDefinition[] = [
  kubernetesVersionCheck,
  workerNodesCheck,
  aksWorkloadIdentityCheck,
  eksOidcProviderCheck,
  databaseCheck,
  searchCheck,
  argoCheck,
];
