/*
 * Benchmark: the identity and Kubernetes steps of the AKS (guide 000) and EKS (guide 001) topologies, end to end
 * against the local environment: first run, then a re-run with the same input. Prints wall times, their ratio,
 * and the mutating calls the re-run sent (counted by the servers: ARM contract server, a recording proxy in
 * front of moto, the API server's audit log). Goal: re-run ≤ 10 s with 0 mutations.
 *
 *   scripts/bench actions
 */
import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  adminKubeConfig,
  awsTestConfig,
  collateAwsTestConfig,
  ensureEksCluster,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  startArmContractServer,
  startAwsCallRecorder,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionRunner } from './lib';

async function main() {
  const arm = await startArmContractServer({ tls: testEnv.tls() });
  const aws = awsTestConfig();
  const recorder = await startAwsCallRecorder(aws.endpoint);
  const subscriptionId = randomUUID();
  const suffix = randomBytes(3).toString('hex');
  arm.seedManagedCluster({
    subscriptionId,
    resourceGroup: 'collate-rg',
    name: 'collate-aks',
  });
  await ensureEksCluster(`collate-eks-${suffix}`);
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: {
      azure: arm.backstageConfig(subscriptionId),
      aws: collateAwsTestConfig(recorder.endpoint),
    },
  });
  const run = actionRunner(config);

  const aksNamespace = `collate-aks-${suffix}`;
  const eksNamespace = `collate-eks-${suffix}`;
  const aksTopology = async () => {
    const rg = 'collate-rg';
    const aks = await run('collate:azure:aks:workload-identity', {
      resourceGroup: rg,
      clusterName: 'collate-aks',
      enable: true,
    });
    const storage = await run('collate:azure:storage:ensure', {
      resourceGroup: rg,
      accountName: `collate${suffix}`,
      location: 'westeurope',
    });
    const ids: Record<string, any> = {};
    for (const name of [
      'collate-application',
      'collate-ingestion',
      'argo-workflows-server',
      'argo-workflows-controller',
    ]) {
      ids[name] = await run('collate:azure:identity:create', {
        resourceGroup: rg,
        name,
        location: 'westeurope',
      });
    }
    await Promise.all(
      [
        [
          'collate-application',
          'collate-application',
          'collate',
          'openmetadata',
        ],
        ['collate-ingestion', 'collate-application', 'collate', 'om-role'],
        [
          'argo-workflows-server',
          'argo-workflows-server',
          'argo-workflows',
          'argo-workflows-server-sa',
        ],
        [
          'argo-workflows-controller',
          'argo-workflows-controller',
          'argo-workflows',
          'argo-workflows-controller-sa',
        ],
      ].map(([identityName, name, namespace, serviceAccount]) =>
        run('collate:azure:identity:federate', {
          resourceGroup: rg,
          identityName,
          name,
          issuer: aks.issuerUrl,
          namespace,
          serviceAccount,
        }),
      ),
    );
    for (const [name, role] of [
      ['collate-application', 'Storage Blob Data Contributor'],
      ['collate-ingestion', 'Storage Blob Data Contributor'],
      ['argo-workflows-server', 'Storage Blob Data Reader'],
      ['argo-workflows-controller', 'Storage Blob Data Reader'],
    ]) {
      await run('collate:azure:role:assign', {
        scope: storage.containerId,
        principalId: ids[name].principalId,
        role,
      });
    }
    await run('collate:kubernetes:prepare', {
      cluster: TEST_CLUSTER_NAME,
      namespace: aksNamespace,
      cloud: 'azure',
      azureClientId: ids['collate-ingestion'].clientId,
      databasePassword: 'bench-password',
    });
  };
  const eksTopology = async () => {
    const oidc = await run('collate:aws:eks:oidc-provider', {
      clusterName: `collate-eks-${suffix}`,
      region: 'eu-west-1',
    });
    await run('collate:aws:s3:ensure-bucket', {
      bucket: `collate-argo-artifacts-eu-west-1-${suffix}`,
      region: 'eu-west-1',
    });
    const roles: Record<string, any> = {};
    for (const [roleName, namespace, serviceAccount, policy] of [
      [
        'collate-argo-controller-role',
        'argo-workflows',
        'argo-workflows-controller-sa',
        'AmazonS3FullAccess',
      ],
      [
        'collate-argo-server-role',
        'argo-workflows',
        'argo-workflows-server-sa',
        'AmazonS3ReadOnlyAccess',
      ],
      ['collate-server-role', 'collate', 'openmetadata', 'AmazonS3FullAccess'],
      ['collate-ingestion-role', 'collate', 'om-role', 'AmazonS3FullAccess'],
    ]) {
      roles[roleName] = await run('collate:aws:iam:service-account-role', {
        roleName: `${roleName}-${suffix}`,
        oidcProviderArn: oidc.providerArn,
        namespace,
        serviceAccount,
        policyArns: [`arn:aws:iam::aws:policy/${policy}`],
      });
    }
    await run('collate:kubernetes:prepare', {
      cluster: TEST_CLUSTER_NAME,
      namespace: eksNamespace,
      cloud: 'aws',
      awsRoleArn: roles['collate-ingestion-role'].roleArn,
      databasePassword: 'bench-password',
    });
  };

  const measure = async (name: string, topology: () => Promise<void>) => {
    const t0 = performance.now();
    await topology();
    const first = performance.now() - t0;
    const marks = {
      arm: arm.mutatingCalls().length,
      aws: recorder.mutatingCalls().length,
      since: Date.now(),
    };
    const t1 = performance.now();
    await topology();
    const rerun = performance.now() - t1;
    const mutations = {
      azure: arm.mutatingCalls().length - marks.arm,
      aws: recorder.mutatingCalls().length - marks.aws,
      kubernetes: kubernetesWrites({
        since: marks.since,
        user: BACKSTAGE_SERVICE_ACCOUNT,
      }).length,
    };
    const total = mutations.azure + mutations.aws + mutations.kubernetes;
    console.log(
      `${name.padEnd(4)} first run ${first
        .toFixed(0)
        .padStart(6)} ms   re-run ${rerun
        .toFixed(0)
        .padStart(6)} ms   re-run/first ${(rerun / first).toFixed(
        2,
      )}   mutating calls on re-run ${total} (azure ${mutations.azure}, aws ${
        mutations.aws
      }, kubernetes ${mutations.kubernetes})   ${
        rerun <= 10_000 && total === 0 ? 'goal met' : 'GOAL MISSED'
      }`,
    );
    return rerun <= 10_000 && total === 0;
  };

  try {
    const ok = [
      await measure('AKS', aksTopology),
      await measure('EKS', eksTopology),
    ];
    process.exitCode = ok.every(Boolean) ? 0 : 1;
  } finally {
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await Promise.all(
      [aksNamespace, eksNamespace].map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
    await arm.close();
    await recorder.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
