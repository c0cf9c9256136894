// Brings the demo System of catalog-info.yaml to life on the local control plane, for the browser test and for
// trying the cards by hand:
//   - the fixture releases (openmetadata, argo-workflows, hybrid-ingestion-runner) and workflows in every phase;
//   - a Collate contract server with the runner connected and ingestion pipelines;
//   - an EKS cluster on moto for running the AWS template from the portal;
//   - the demo Metaflow stack, applied from the metaflow-tools fixture with OpenTofu (its services in the local
//     cluster, its datastore on Azurite);
//   - an app-config file that points the portal's backend at all of it (cluster `local`, collate.servers,
//     collate.argo.servers, collate.aws on moto, helm), written to the path given as the first argument.
//   - the demo fleet of demo-fleet.yaml (thirty deployments), after that.
// It prints `ready <config path>`, then `fleet ready: N deployments`, and serves until SIGTERM/SIGINT.
//   node --require @backstage/cli/config/nodeTransform.cjs packages/testenv/src/bin/live-demo.ts <config.yaml>
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { collateAwsTestConfig, ensureEksCluster } from '../aws';
import { backstageKubernetesConfig, testEnv } from '../env';
import { seedDemoDeployment } from '../seed';
import { seedDemoFleet } from '../demoFleet';
import { demoHistory, seedArchivedRuns } from '../archive';
import { startCollateContractServer } from '../contract/collate.ts';
import { applyMetaflowStack, metaflowLocalPlane } from '../metaflow';
import { requireEnv } from '../env';

const DEMO_COLLATE_PORT = 18585;

async function main() {
  const target = process.argv[2];
  if (!target) throw new Error('usage: live-demo.ts <app-config output path>');
  // The catalog's metaflow-demo System, applied as an operator would; its state lives beside the cluster's data.
  const metaflow = applyMetaflowStack(
    'demo',
    join(dirname(requireEnv('KUBE_CONFIG')), 'metaflow-demo'),
  ).then(
    () => undefined,
    (error: unknown) => error,
  );
  // A fixed port: the demo runner's release points at it, and stays at one revision across starts.
  const collate = await startCollateContractServer({ port: DEMO_COLLATE_PORT });
  const demo = await seedDemoDeployment({
    url: collate.url,
    token: collate.issueToken('ingestion-bot'),
  });
  collate.connectRunner(demo.runnerAgentId);
  // Two weeks of runs that remain only in Argo's workflow archive: the ingestion card's history chart.
  await seedArchivedRuns(demo.namespace, demoHistory(14), { once: true });
  const now = Date.now();
  const metadata = collate.addPipeline({ name: 'warehouse_metadata' });
  const profiler = collate.addPipeline({
    name: 'warehouse_profiler',
    pipelineType: 'profiler',
    airflowConfig: { scheduleInterval: '30 2 * * *' },
  });
  collate.addPipelineStatus(metadata.fullyQualifiedName, {
    runId: 'run-1',
    pipelineState: 'success',
    startDate: now - 3_600_000,
    timestamp: now - 3_600_000,
    endDate: now - 3_540_000,
  });
  collate.addPipelineStatus(profiler.fullyQualifiedName, {
    runId: 'run-2',
    pipelineState: 'failed',
    startDate: now - 7_200_000,
    timestamp: now - 7_200_000,
    endDate: now - 7_100_000,
  });

  // The search engine card's last reindex, and a reindex from its button that takes a minute.
  collate.addReindexRun({
    status: 'success',
    timestamp: now - 3 * 3_600_000 + 95_000,
    startTime: now - 3 * 3_600_000,
    endTime: now - 3 * 3_600_000 + 95_000,
    executionTime: 95_000,
  });
  collate.setReindexOutcome('success', 60_000);

  // An EKS cluster (on moto) for running the Collate on AWS EKS template from the portal.
  await ensureEksCluster('collate-eks-portal');

  const metaflowFailed = await metaflow;
  if (metaflowFailed) throw metaflowFailed;

  const argoUrl = testEnv.argoUrl();
  const config = {
    kubernetes: backstageKubernetesConfig({ fleet: true }),
    collate: {
      aws: collateAwsTestConfig(),
      helm: { binary: testEnv.helmBin() },
      servers: [
        {
          url: 'http://openmetadata.collate:8585',
          baseUrl: collate.url,
          token: collate.issueToken('ingestion-bot'),
        },
      ],
      argo: {
        servers: [
          {
            url: 'http://argo-workflows-server.argo-workflows:2746',
            baseUrl: argoUrl,
            uiUrl: argoUrl,
          },
        ],
      },
      // The Metaflow card probes the demo stack's datastore on Azurite.
      status: { storageHosts: metaflowLocalPlane().storageHosts },
    },
  };
  writeFileSync(target, stringify(config), { mode: 0o600 });
  process.stdout.write(`ready ${target}\n`);

  // The demo fleet (demo-fleet.yaml) comes up behind the demo: its namespaces, runs and releases.
  const fleet = await seedDemoFleet();
  process.stdout.write(`fleet ready: ${fleet.length} deployments\n`);

  const stop = () => {
    void collate.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
