import type { Config } from '@backstage/config';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AzureClients } from '../azure';

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One check's result: pass, warn or fail, with the reason a person reads. */
export interface PreflightCheck {
  name: string;
  status: CheckStatus;
  reason: string;
}

/** The guides' requirements: guide 000/001 for the server topology, guide 002 for the Hybrid Runner. */
export const REQUIREMENTS = {
  server: { kubernetes: [1, 24], workers: 3, cpu: 4, memoryGi: 16 },
  runner: { kubernetes: [1, 28], workers: 2, cpu: 2, memoryGi: 8 },
} as const;

/** What `collate:preflight` is asked to check (its validated input). */
export interface PreflightInput {
  target: 'server' | 'runner';
  /** The Collate version to deploy, or an image tag naming it; the guides' pin when absent. */
  collateVersion?: string;
  /** The namespace of the Argo Workflows the deployment's ingestion will run on; every namespace when absent. */
  argoNamespace?: string;
  azure?: {
    subscriptionId?: string;
    resourceGroup: string;
    clusterName: string;
    enabledLater?: boolean;
  };
  aws?: { clusterName: string; region?: string };
  database?: {
    engine: 'postgresql' | 'mysql';
    host: string;
    port: number;
    user: string;
    password?: string;
    database?: string;
    ssl?: boolean;
  };
  search?: { url: string; username?: string; password?: string };
}

/** What every check can read with: the cluster's kubeconfig, the clouds' clients and the backend config. */
export interface PreflightEnvironment {
  input: PreflightInput;
  kubeConfig: KubeConfig;
  azure: AzureClients;
  config: Config;
}

/** One read-only check; `unreachable` is its status when it cannot run at all (an error, not a verdict). */
export interface PreflightCheckDefinition {
  name: string;
  unreachable: CheckStatus;
  /** Whether the input asks for this check. */
  applies(input: PreflightInput): boolean;
  run(env: PreflightEnvironment): Promise<PreflightCheck>;
}
