/*
 * Benchmark: the Helm phase of the AKS (guide 000) and EKS (guide 001) topologies against the local control
 * plane with the fixture charts: collate:argo:install, collate:deploy and, on AKS, collate:runner:register. Prints first
 * run and re-run wall times, their ratio, and the new Helm revisions the re-run made (goal: 0).
 *
 *   scripts/bench helm
 */
import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  chartPath,
  startCollateContractServer,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionRunner } from './lib';

async function main() {
  const collate = await startCollateContractServer({ tls: testEnv.tls() });
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const run = actionRunner(config);
  const suffix = randomBytes(3).toString('hex');
  const namespaces: string[] = [];
  const local = (chart: string) => ({
    chart: chartPath(chart as never),
    repo: '',
    timeoutSeconds: 300,
  });
  // Same input on both runs: ids and the bot token are drawn once.
  const controllerClientId = randomUUID();
  const serverClientId = randomUUID();
  const botToken = collate.issueToken();
  const search = {
    host: 'opensearch',
    port: 9200,
    scheme: 'http',
    searchType: 'opensearch',
  };
  const database = {
    engine: 'postgresql',
    host: 'postgres',
    port: 5432,
    user: 'collate',
  };

  const topologies: Record<string, () => Promise<number[]>> = {
    AKS: async () => {
      const [argoNs, collateNs, runnerNs] = [
        `argo-aks-${suffix}`,
        `collate-aks-${suffix}`,
        `runner-aks-${suffix}`,
      ];
      namespaces.push(argoNs, collateNs, runnerNs);
      const argo = await run('collate:argo:install', {
        cluster: TEST_CLUSTER_NAME,
        namespace: argoNs,
        ...local('argo-workflows'),
        cloud: 'azure',
        azure: {
          controllerClientId,
          serverClientId,
          storageEndpoint: 'https://collate.blob.core.windows.net/',
          container: 'argo-workflows',
        },
      });
      const om = await run('collate:deploy', {
        cluster: TEST_CLUSTER_NAME,
        namespace: collateNs,
        ...local('openmetadata'),
        cloud: 'azure',
        azure: {
          serverClientId: '6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
          storageAccountName: 'collate',
          container: 'assets',
        },
        search,
        database,
        argoServerUrl: argo.serverUrl,
      });
      const runner = await run('collate:runner:register', {
        cluster: TEST_CLUSTER_NAME,
        namespace: runnerNs,
        ...local('hybrid-ingestion-runner'),
        agentId: `bench-${suffix}`,
        serverHost: collate.url,
        authToken: botToken,
        // The runner reuses the Argo installed above (its chart would otherwise install one of its own).
        installArgo: false,
        argoEndpoint: argo.serverUrl,
        pollIntervalSeconds: 1,
        waitTimeoutSeconds: 30,
      });
      return [argo.revision, om.revision, runner.revision];
    },
    EKS: async () => {
      const [argoNs, collateNs] = [
        `argo-eks-${suffix}`,
        `collate-eks-${suffix}`,
      ];
      namespaces.push(argoNs, collateNs);
      const argo = await run('collate:argo:install', {
        cluster: TEST_CLUSTER_NAME,
        namespace: argoNs,
        ...local('argo-workflows'),
        cloud: 'aws',
        aws: {
          controllerRoleArn:
            'arn:aws:iam::123456789012:role/collate-argo-controller-role',
          serverRoleArn:
            'arn:aws:iam::123456789012:role/collate-argo-server-role',
          bucket: 'collate-argo-artifacts-eu-west-1',
          region: 'eu-west-1',
        },
      });
      const om = await run('collate:deploy', {
        cluster: TEST_CLUSTER_NAME,
        namespace: collateNs,
        ...local('openmetadata'),
        cloud: 'aws',
        aws: {
          serverRoleArn: 'arn:aws:iam::123456789012:role/collate-server-role',
          bucket: 'collate-assets',
          region: 'eu-west-1',
        },
        search,
        database,
        argoServerUrl: argo.serverUrl,
      });
      return [argo.revision, om.revision];
    },
  };
  collate.connectRunner(`bench-${suffix}`);

  let ok = true;
  try {
    for (const [name, topology] of Object.entries(topologies)) {
      const t0 = performance.now();
      const first = await topology();
      const firstMs = performance.now() - t0;
      namespaces.splice(namespaces.length - first.length, first.length);
      const t1 = performance.now();
      const again = await topology();
      const rerunMs = performance.now() - t1;
      const newRevisions = again.reduce((n, r, i) => n + (r - first[i]), 0);
      ok &&= newRevisions === 0;
      console.log(
        `${name.padEnd(4)} first run ${firstMs
          .toFixed(0)
          .padStart(6)} ms   re-run ${rerunMs
          .toFixed(0)
          .padStart(6)} ms   re-run/first ${(rerunMs / firstMs).toFixed(
          2,
        )}   releases ${
          first.length
        }   new revisions on re-run ${newRevisions}   ${
          newRevisions === 0 ? 'goal met' : 'GOAL MISSED'
        }`,
      );
    }
  } finally {
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await Promise.all(
      [...new Set(namespaces)].map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
    await collate.close();
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
