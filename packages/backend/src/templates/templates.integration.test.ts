import { parse as parseYaml } from 'yaml';
// The Software Templates through the real scaffolder backend with the Collate module, against the local control
// plane: dry-runs of every template (POST /api/scaffolder/v2/dry-run) checked against the guides, and the AWS
// template run for real twice (the second run changes nothing), after which the registered System reports every
// component through the status route.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import collateScaffolderModule from '@collate-backstage/plugin-scaffolder-backend-module-collate';
import collateBackend from '@collate-backstage/plugin-collate-backend';
import collateCatalogModule from '@collate-backstage/plugin-catalog-backend-module-collate';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  awsTestConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  chartPath,
  publishFixtureChart,
  collateAwsTestConfig,
  ensureEksCluster,
  kubernetesWrites,
  mcpRequest,
  metaflowLocalPlane,
  metaflowStackNamespace,
  removeMetaflowStacks,
  startArmContractServer,
  startAwsCallRecorder,
  startCollateContractServer,
  gitModuleSource,
  terraformFixturePath,
  testEnv,
  type ArmContractServer,
  type AwsCallRecorder,
  type CollateContractServer,
} from '@internal/testenv';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  TEMPLATES_DIR,
  defaultValues,
  localCollateValues,
  templateNamed,
} from './__testUtils__/templates';
import {
  azureActionOf,
  iamActionsOf,
  policyActions,
} from './__testUtils__/cloudPermissions';

const execFileAsync = promisify(execFile);
const suffix = randomBytes(3).toString('hex');

// Jest runs tests in a VM context whose Array differs from the host's. The host's fetch parses JSON into host arrays
// (e.g. the user entity the scaffolder reads from the catalog), which the scaffolder's sandboxed templating
// (nunjitsu) rejects. Parsing in the test's realm keeps one realm, as outside Jest.
const hostJson = Response.prototype.json;
/** The IAM policy and Azure role definition the README gives operators. */
const LEAST_PRIVILEGE = resolve(__dirname, '../../../../docs/least-privilege');

beforeAll(() => {
  Response.prototype.json = async function json(this: Response) {
    return JSON.parse(await this.text());
  };
});
afterAll(() => {
  Response.prototype.json = hostJson;
});
const auth = mockCredentials.user.header();

interface DryRunLog {
  body: { message: string; stepId?: string; status?: string };
}

describe('Software Templates on the local control plane', () => {
  let arm: ArmContractServer;
  let aws: AwsCallRecorder;
  let collate: CollateContractServer;
  let server: any;
  const subscriptionId = randomUUID();
  const eksCluster = `collate-eks-${suffix}`;
  const ns = {
    collate: `collate-t-${suffix}`,
    argo: `argo-t-${suffix}`,
    runner: `runner-t-${suffix}`,
    aksCollate: `collate-aks-${suffix}`,
    aksArgo: `argo-aks-${suffix}`,
    runnerArgo: `argo-r-${suffix}`,
  };

  beforeAll(async () => {
    // The Metaflow stack's services outlive a run's state in the local cluster: a fresh state must find none.
    await removeMetaflowStacks(['acmerun']);
    arm = await startArmContractServer({
      tls: testEnv.tls(),
      // The storage accounts' blob data plane (the decommission reads whether the artifact container is empty).
      blobDataPlane: testEnv.azuriteDataPlane(2),
    });
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup: 'collate-rg',
      name: 'collate-aks',
    });
    const awsConfig = awsTestConfig();
    aws = await startAwsCallRecorder(awsConfig.endpoint);
    await ensureEksCluster(eksCluster);
    // Terraform's S3 state backend reaches moto through the AWS SDK's standard environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: awsConfig.endpoint,
      AWS_ENDPOINT_URL_STS: awsConfig.endpoint,
      AWS_ACCESS_KEY_ID: awsConfig.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: awsConfig.credentials.secretAccessKey,
      // The Metaflow fixture's storage account is the local plane's Azurite one.
      ...metaflowLocalPlane().terraformEnv,
    });
    await new S3Client(awsConfig).send(
      new CreateBucketCommand({ Bucket: `tfstate-${suffix}` }),
    );
    collate = await startCollateContractServer({ tls: testEnv.tls() });
    collate.connectRunner(`runner-${suffix}`, 500);

    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        collateScaffolderModule,
        catalogPlugin,
        scaffolderEntityModel,
        collateCatalogModule,
        collateBackend,
        mcpActionsPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['collate'] } },
            catalog: {
              rules: [
                {
                  allow: [
                    'Template',
                    'System',
                    'Component',
                    'Resource',
                    'Location',
                  ],
                },
              ],
              locations: [
                {
                  type: 'file',
                  target: join(TEMPLATES_DIR, 'collate-aws-eks/template.yaml'),
                },
                {
                  type: 'file',
                  target: join(
                    TEMPLATES_DIR,
                    'collate-azure-aks/template.yaml',
                  ),
                },
                {
                  type: 'file',
                  target: join(TEMPLATES_DIR, 'collate-upgrade/template.yaml'),
                },
                {
                  type: 'file',
                  target: join(TEMPLATES_DIR, 'metaflow-azure/template.yaml'),
                },
                {
                  type: 'file',
                  target: join(
                    TEMPLATES_DIR,
                    'collate-decommission-aws/template.yaml',
                  ),
                },
                {
                  type: 'file',
                  target: join(
                    TEMPLATES_DIR,
                    'collate-decommission-azure/template.yaml',
                  ),
                },
              ],
            },
            kubernetes: backstageKubernetesConfig(),
            collate: {
              azure: arm.backstageConfig(subscriptionId),
              aws: collateAwsTestConfig(aws.endpoint),
              helm: { binary: testEnv.helmBin() },
              terraform: {
                ...testEnv.terraformConfig(),
                // The fixture at a pinned commit of a local git repository, as operators pin metaflow-tools.
                allowedSources: [
                  {
                    name: 'metaflow-tools-azure',
                    source: await gitModuleSource(terraformFixturePath()),
                  },
                ],
              },
              // The status route of the registered System: Collate through the contract server, the real Argo server.
              servers: [
                {
                  url: `http://openmetadata.${ns.collate}:8585`,
                  baseUrl: collate.url,
                  token: collate.issueToken(),
                },
              ],
              argo: {
                servers: [
                  {
                    url: `http://argo-workflows-server.${ns.argo}:2746`,
                    baseUrl: testEnv.argoUrl(),
                  },
                ],
              },
              // The Metaflow card probes the stack's datastore on the local plane's Azurite.
              status: { storageHosts: metaflowLocalPlane().storageHosts },
            },
          },
        }),
      ],
    }));
  }, 120_000);

  afterAll(async () => {
    await arm?.close();
    await aws?.close();
    await collate?.close();
    await removeMetaflowStacks(['acmerun']);
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await Promise.all(
      Object.values(ns).map(name =>
        core.deleteNamespace({ name }).catch(() => undefined),
      ),
    );
  }, 90_000);

  /** The helm CLI's JSON answer, as the test environment's admin. */
  const helmJson = async (args: string[]) =>
    JSON.parse(
      (
        await promisify(execFile)(testEnv.helmBin(), [
          ...args,
          '-o',
          'json',
          '--kubeconfig',
          testEnv.kubernetes().kubeconfigPath,
        ])
      ).stdout,
    );

  /** The values both Collate templates share: where it runs, the database, the search engine, local charts. */
  const collateValues = (template: string, name: string) =>
    localCollateValues(template, name, ns);
  const awsValues = (name: string) => ({
    ...collateValues('collate-aws-eks', name),
    eksClusterName: eksCluster,
    region: 'eu-west-1',
    bucket: `collate-argo-artifacts-${suffix}`,
    roleSuffix: `-${suffix}`,
  });
  const awsSecrets = {
    databasePassword: testEnv.postgres().password,
    searchPassword: 'search-test-only',
  };

  /** Where the servers' change counters stand before a run that must change nothing. */
  const markChanges = () => ({
    aws: aws.mutatingCalls().length,
    arm: arm.mutatingCalls().length,
    since: Date.now(),
  });

  /**
   * Nothing changed since `marks`: no AWS or ARM mutating call (counted by the servers) and no Kubernetes write by the
   * portal in the deployment's namespaces (other test files write to their own meanwhile).
   */
  function expectNothingChangedSince(
    marks: ReturnType<typeof markChanges>,
    namespace: string[],
  ) {
    expect(aws.mutatingCalls().slice(marks.aws)).toEqual([]);
    expect(arm.mutatingCalls().slice(marks.arm)).toEqual([]);
    expect(
      kubernetesWrites({
        since: marks.since,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace,
      }),
    ).toEqual([]);
  }

  /** An agent's call of one of our actions, through the MCP server (JSON-RPC tools/call), as the test user. */
  async function agentCall(name: string, args: object) {
    const { body } = await mcpRequest(server, auth, 'tools/call', {
      name: `collate.${name}`,
      arguments: args,
    });
    if (body.result?.isError || !body.result)
      throw new Error(`${name}: ${JSON.stringify(body)}`);
    return JSON.parse(body.result.content[0].text) as {
      ok: boolean;
      plan: string[];
      steps: Array<{ id: string; status: string }>;
    };
  }

  async function dryRun(
    template: object,
    values: object,
    secrets: object,
    directoryContents: Array<{ path: string; base64Content: string }> = [],
  ) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', auth)
      .send({ template, values, secrets, directoryContents });
    if (res.status !== 200) {
      throw new Error(`dry-run ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const log = (res.body.log as DryRunLog[]).map(l => l.body);
    const text = log.map(l => l.message).join('\n');
    const failed = log.filter(l => l.status === 'failed');
    if (failed.length) throw new Error(`dry-run failed:\n${text}`);
    return { text, output: res.body.output, steps: res.body.steps };
  }

  it('dry-runs the AWS EKS template: the plan follows guide 001', async () => {
    const { text, output } = await dryRun(
      templateNamed('collate-aws-eks'),
      awsValues(`collate-dry-${suffix}`),
      awsSecrets,
    );
    const expected: Array<[string, string | RegExp]> = [
      ['IAM roles', `collate-argo-controller-role-${suffix}`],
      ['IAM roles', `collate-argo-server-role-${suffix}`],
      ['IAM roles', `collate-server-role-${suffix}`],
      ['IAM roles', `collate-ingestion-role-${suffix}`],
      [
        'trust subjects',
        `system:serviceaccount:${ns.argo}:argo-workflows-controller-sa`,
      ],
      [
        'trust subjects',
        `system:serviceaccount:${ns.argo}:argo-workflows-server-sa`,
      ],
      ['trust subjects', `system:serviceaccount:${ns.collate}:openmetadata`],
      ['trust subjects', `system:serviceaccount:${ns.collate}:om-role`],
      ['policies', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'],
      ['policies', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      ['bucket', `collate-argo-artifacts-${suffix}`],
      ['Kubernetes', 'om-argo-role'],
      ['Kubernetes', 'om-role.service-account-token'],
      ['Kubernetes', 'db-credentials'],
      ['Kubernetes', 'es-credentials'],
      ['ECR', 'ecr-registry-creds'],
      ['Helm values', 'eks.amazonaws.com/role-arn'],
      ['Helm values', 'ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME'],
      ['Helm values', 'ASSET_UPLOADER_S3_BUCKET_NAME'],
      ['Helm values', 'io.collate.pipeline.argo.ArgoServiceClient'],
      ['Helm values', 'om-1.12.3-cl-1.12.3'],
      ['pinned charts', 'chart argo-workflows 0.45.23, app v3.7.1'],
      ['pinned charts', 'chart openmetadata 1.12.3, app 1.12.3'],
      ['Argo archive', 'argo-db-credentials'],
      ['Argo archive', 'tableName: argo_workflows'],
      ['catalog', `would create: system:default/collate-dry-${suffix}`],
    ];
    const missing = expected.filter(([, s]) =>
      typeof s === 'string' ? !text.includes(s) : !s.test(text),
    );
    expect(missing).toEqual([]);
    // Secrets are never in the plan.
    expect(text).not.toContain(awsSecrets.databasePassword);
    expect(text).not.toContain(awsSecrets.searchPassword);
    expect(output.links[0].entityRef).toBe(
      `system:default/collate-dry-${suffix}`,
    );
  });

  it('dry-runs the Azure AKS template: identities, subjects and roles of guide 000', async () => {
    const values = {
      ...collateValues('collate-azure-aks', `collate-aks-${suffix}`),
      subscriptionId,
      resourceGroup: 'collate-rg',
      aksClusterName: 'collate-aks',
      storageAccountName: `collate${suffix}`,
    };
    const { text } = await dryRun(
      templateNamed('collate-azure-aks'),
      values,
      awsSecrets,
    );
    const expected = [
      'collate-application',
      'collate-ingestion',
      'argo-workflows-server',
      'argo-workflows-controller',
      `system:serviceaccount:${ns.collate}:openmetadata`,
      `system:serviceaccount:${ns.collate}:om-role`,
      `system:serviceaccount:${ns.argo}:argo-workflows-server-sa`,
      `system:serviceaccount:${ns.argo}:argo-workflows-controller-sa`,
      'api://AzureADTokenExchange',
      'Storage Blob Data Contributor',
      'Storage Blob Data Reader',
      'azure.workload.identity/client-id',
      'ASSET_UPLOADER_AZURE',
      'om-argo-role',
      `would create: system:default/collate-aks-${suffix}`,
    ];
    expect(expected.filter(s => !text.includes(s))).toEqual([]);
    expect(arm.mutatingCalls()).toEqual([]);
  });

  it('dry-runs the Hybrid Runner template: identity, federation, Key Vault role, runner', async () => {
    const values = {
      ...defaultValues(templateNamed('collate-hybrid-runner-aks')),
      name: `runner-${suffix}`,
      owner: 'group:default/platform-team',
      cluster: 'resource:default/local',
      namespace: ns.runner,
      argoNamespace: ns.runnerArgo,
      agentId: `runner-${suffix}`,
      collateUrl: collate.url,
      subscriptionId,
      resourceGroup: 'collate-rg',
      aksClusterName: 'collate-aks',
      keyVaultName: `kv-${suffix}`,
      chart: chartPath('hybrid-ingestion-runner'),
      chartRepo: '',
      ingestionBotToken: '********',
    };
    const { text } = await dryRun(
      templateNamed('collate-hybrid-runner-aks'),
      values,
      { ingestionBotToken: collate.issueToken('ingestion-bot') },
    );
    const expected = [
      'Kubernetes',
      'collate-ingestion',
      `system:serviceaccount:${ns.runner}:ingestion`,
      'Key Vault Secrets Officer',
      `Microsoft.KeyVault/vaults/kv-${suffix}`,
      `runner-${suffix}`,
      // The runner's values as the chart reads them, and the pinned chart.
      'chart hybrid-ingestion-runner 1.12.3, app 1.12.3',
      // The scaffolder's dry-run log over-redacts the inputs that follow a secret one (secretsManager's name
      // and value among them); the Key Vault variable shows the Azure Key Vault setup.
      '- name: AZURE_KEY_VAULT_NAME',
      `serverHost: ${new URL(collate.url).host}`,
      'installArgoWorkflows: true',
      `namespaceOverride: ${ns.runnerArgo}`,
      'azure.workload.identity/use',
      'ecr-registry-creds',
      `would create: system:default/runner-${suffix}`,
    ];
    expect(expected.filter(s => !text.includes(s))).toEqual([]);
  });

  it('dry-runs the Metaflow template: plans infra, then services, with remote state', async () => {
    const { text } = await dryRun(
      templateNamed('metaflow-azure'),
      {
        ...defaultValues(templateNamed('metaflow-azure')),
        name: `metaflow-${suffix}`,
        owner: 'group:default/platform-team',
        orgPrefix: 'acme',
        stateBackend: 's3',
        stateBucket: `tfstate-${suffix}`,
        stateRegion: 'us-east-1',
        stateS3PathStyle: true,
      },
      {},
    );
    expect(text).toMatch(/module\.infra/);
    expect(text).toMatch(/module\.services/);
    expect(text).toContain(`would create: system:default/metaflow-${suffix}`);
  });

  it("runs the Metaflow template: the user gets metaflow-tools' config.json, the port-forwards and how to read the service principal, which is never shown; the System carries the stack's coordinates", async () => {
    const name = `metaflow-run-${suffix}`;
    const values = {
      ...defaultValues(templateNamed('metaflow-azure')),
      name,
      owner: 'group:default/platform-team',
      orgPrefix: 'acmerun',
      cluster: 'resource:default/local',
      stateBackend: 's3',
      stateBucket: `tfstate-${suffix}`,
      stateKey: `metaflow-run-${suffix}.tfstate`,
      stateRegion: 'us-east-1',
      stateS3PathStyle: true,
    };
    const run = await runTask(values, {}, 'metaflow-azure');
    const shown = run.output.text[0].content as string;
    const config = JSON.parse(
      shown.slice(
        shown.indexOf('```json') + 7,
        shown.indexOf('```', shown.indexOf('```json') + 7),
      ),
    );
    expect(config).toMatchObject({
      METAFLOW_DEFAULT_METADATA: 'service',
      METAFLOW_DATASTORE_SYSROOT_AZURE:
        'metaflow-storage-container/tf-full-stack-sysroot',
      METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT:
        metaflowLocalPlane().blobEndpoint,
      METAFLOW_SERVICE_URL: 'http://127.0.0.1:8080/',
    });
    // In the stack's namespace; the static UI by its Deployment's real name (metaflow-tools' own instructions say
    // metadata-ui-static-service).
    const inStack = `kubectl -n ${metaflowStackNamespace('acmerun')}`;
    expect(shown).toContain(
      `${inStack} port-forward deployment/metadata-service 8080:8080`,
    );
    expect(shown).toContain(
      `${inStack} port-forward deployment/metaflow-ui-static-service 3000:3000`,
    );
    expect(shown).toContain(
      `terraform output -raw SERVICE_PRINCIPAL_CREDENTIALS\` in the module's directory, initialised with this stack's\nstate (backend \`s3\`, key \`metaflow-run-${suffix}.tfstate\`)`,
    );
    // The client secret (64 hex digits) is in no log line and no output.
    expect(run.log).not.toMatch(/[0-9a-f]{64}/);
    expect(JSON.stringify(run.output)).not.toMatch(/[0-9a-f]{64}/);
    const system = await systemOnceItShows(name, found => !!found.metadata);
    expect(system.metadata.annotations).toMatchObject({
      'metaflow.org/datastore-sysroot':
        'metaflow-storage-container/tf-full-stack-sysroot',
      'metaflow.org/blob-endpoint': metaflowLocalPlane().blobEndpoint,
      'metaflow.org/kubernetes-secret': 'metaflow-azure-storage-credentials',
      'metaflow.org/metadata-service-url': `http://metadata-service.${metaflowStackNamespace(
        'acmerun',
      )}:8080/`,
    });
    // The System's Collate tab: the stack's services, live from the cluster, and its datastore, reachable.
    const stack = metaflowStackNamespace('acmerun');
    expect(system.metadata.annotations).toMatchObject({
      'collate.io/component': 'metaflow',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/metaflow-namespace': stack,
      'collate.io/metaflow-orchestrator': 'argo-workflows',
      'collate.io/metaflow-datastore': `${
        metaflowLocalPlane().blobEndpoint
      }metaflow-storage-container`,
    });
    const status = (
      await request(server)
        .get(`/api/collate/entities/system/default/${name}/status/metaflow`)
        .set('Authorization', auth)
    ).body;
    expect(status).toMatchObject({
      component: 'metaflow',
      health: 'healthy',
      namespace: stack,
      orchestrator: 'argo-workflows',
      datastore: { reachable: true, health: 'healthy' },
    });
    expect(
      status.services.map((s: any) => [s.name, s.health, s.version ?? null]),
    ).toEqual([
      ['metadata-service', 'healthy', '2.3.3'],
      ['metaflow-ui-backend-service', 'healthy', '2.3.3'],
      ['metaflow-ui-static-service', 'healthy', '1.1.4'],
      ['argo-server', 'healthy', '3.7.1'],
      ['workflow-controller', 'healthy', '3.7.1'],
      ['argo-events-controller-manager', 'healthy', '1.9.6'],
    ]);
    expect(status.services[0].migrations).toBe('done');
    // Run again, as the portal runs it, in a new workspace: nothing changes, and the user gets the same config.json.
    const again = await runTask(values, {}, 'metaflow-azure');
    expect(again.output.text[0].content).toContain(
      'Changed by infra: nothing; by services: nothing.',
    );
    expect(again.output.text[0].content).toContain(
      `"METAFLOW_SERVICE_INTERNAL_URL": "http://metadata-service.${metaflowStackNamespace(
        'acmerun',
      )}:8080/"`,
    );
  }, 300_000);

  /** The System as the catalog shows it once `shows` holds, or as it is after 30 s. */
  async function systemOnceItShows(
    name: string,
    shows: (system: any) => boolean,
  ): Promise<any> {
    let system: any;
    for (let i = 0; i < 60; i++) {
      system = (
        await request(server)
          .get(`/api/catalog/entities/by-name/system/default/${name}`)
          .set('Authorization', auth)
      ).body;
      if (shows(system)) break;
      await new Promise(r => setTimeout(r, 500));
    }
    return system;
  }

  async function runTask(
    values: object,
    secrets: object,
    template = 'collate-aws-eks',
  ) {
    // The template reaches the catalog from its file location.
    for (let i = 0; ; i++) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-name/template/default/${template}`)
        .set('Authorization', auth);
      if (res.status === 200) break;
      if (i === 120) throw new Error(`${template} did not reach the catalog`);
      await new Promise(r => setTimeout(r, 500));
    }
    const res = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', auth)
      .send({
        templateRef: `template:default/${template}`,
        values,
        secrets,
      });
    expect(res.status).toBe(201);
    const id = res.body.id;
    for (let i = 0; i < 800; i++) {
      const task = await request(server)
        .get(`/api/scaffolder/v2/tasks/${id}`)
        .set('Authorization', auth);
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = await request(server)
          .get(`/api/scaffolder/v2/tasks/${id}/events`)
          .set('Authorization', auth);
        const log = events.body
          .filter((e: any) => e.type === 'log')
          .map((e: any) => e.body.message)
          .join('\n');
        if (task.body.status !== 'completed') {
          throw new Error(`task ${task.body.status}:\n${log}`);
        }
        const completion = events.body.find(
          (e: any) => e.type === 'completion',
        );
        return { log, output: completion?.body?.output ?? task.body.output };
      }
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`task ${id} did not finish in 400 s`);
  }

  /** What the Argo step created: the archive credentials, and the archive in the controller's one `config` key. */
  async function expectArgoArchive(namespace: string, password: string) {
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({
      name: 'argo-db-credentials',
      namespace,
    });
    const decode = (v: string) => Buffer.from(v, 'base64').toString();
    expect(decode(secret.data!.username)).toBe(testEnv.postgres().user);
    expect(decode(secret.data!.password)).toBe(password);
    const cm = await core.readNamespacedConfigMap({
      name: 'argo-workflows-workflow-controller-configmap',
      namespace,
    });
    const config = parseYaml(cm.data!.config);
    expect(config.persistence).toEqual({
      archive: true,
      postgresql: {
        host: testEnv.postgres().host,
        port: testEnv.postgres().port,
        database: 'argo',
        tableName: 'argo_workflows',
        userNameSecret: { name: 'argo-db-credentials', key: 'username' },
        passwordSecret: { name: 'argo-db-credentials', key: 'password' },
        ssl: true,
        sslMode: 'require',
      },
    });
    return config;
  }

  it('runs the AWS EKS template for real; a second run changes nothing; the System reports every component', async () => {
    const name = `collate-run-${suffix}`;
    const values = awsValues(name);
    const first = await runTask(values, awsSecrets);
    expect(first.log).not.toContain(awsSecrets.databasePassword);
    // The archive reuses the Collate database: host, port, user and password.
    const argoConfig = await expectArgoArchive(
      ns.argo,
      awsSecrets.databasePassword,
    );
    expect(argoConfig.artifactRepository.s3.keyFormat).toBe(
      'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
    );

    // The guides' post-install step ran through Collate's API, once.
    expect(first.log).toMatch(
      /SearchIndexingApplication finished on http:\/\/openmetadata\..*:8585: success/,
    );
    expect(collate.reindexRuns()).toHaveLength(1);

    const marks = markChanges();
    const second = await runTask(values, awsSecrets);
    // Rebuilt since the (unchanged) release was deployed: not again.
    expect(second.log).toMatch(
      /unchanged: the search indexes of .* were rebuilt at/,
    );
    expect(collate.reindexRuns()).toHaveLength(1);
    expectNothingChangedSince(marks, [ns.collate, ns.argo]);
    expect(second.log).toContain('unchanged');
    expect(second.log).not.toContain(awsSecrets.databasePassword);

    // The Collate catalog module provided the registered entities to the catalog.
    let status: any;
    for (let i = 0; i < 120; i++) {
      const res = await request(server)
        .get(`/api/collate/entities/system/default/${name}/status`)
        .set('Authorization', auth);
      if (res.status === 200) {
        status = res.body;
        break;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    expect(status).toBeDefined();
    const by = Object.fromEntries(
      status.components.map((c: any) => [c.component, c]),
    );
    expect(Object.keys(by).sort()).toEqual(
      ['argo', 'database', 'ingestion', 'search', 'server'].sort(),
    );
    expect(by.server).toMatchObject({
      health: 'healthy',
      deployment: { name: 'openmetadata', ready: 1 },
    });
    expect(by.argo).toMatchObject({
      health: 'healthy',
      serverVersion: 'v3.7.1',
      server: { ready: 1 },
      controller: { ready: 1 },
    });
    expect(by.database.endpoint).toBe(
      `${testEnv.postgres().host}:${testEnv.postgres().port}`,
    );
    expect(by.ingestion.health).toBeDefined();
  }, 480_000);

  it('runs the Azure AKS template for real: identities on ARM, the Argo archive with its own password, Collate', async () => {
    const name = `collate-aks-run-${suffix}`;
    const values = {
      ...collateValues('collate-azure-aks', name),
      namespace: ns.aksCollate,
      argoNamespace: ns.aksArgo,
      subscriptionId,
      resourceGroup: 'collate-rg',
      aksClusterName: 'collate-aks',
      storageAccountName: `collaterun${suffix}`,
      argoDbPassword: '********',
    };
    const argoDbPassword = `argo-archive-${suffix}`;
    const run = await runTask(
      values,
      { ...awsSecrets, argoDbPassword },
      'collate-azure-aks',
    );
    for (const secret of [awsSecrets.databasePassword, argoDbPassword])
      expect(run.log).not.toContain(secret);
    const argoConfig = await expectArgoArchive(ns.aksArgo, argoDbPassword);
    // The guide's placeholders reach the ConfigMap literally, through the chart's tpl.
    expect(argoConfig.artifactRepository.azure).toMatchObject({
      blobNameFormat:
        'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
      useSDKCreds: true,
    });
    expect(argoConfig.workflowDefaults.spec.podMetadata.labels).toEqual({
      'azure.workload.identity/use': 'true',
    });
    const apps = adminKubeConfig().makeApiClient(AppsV1Api);
    const collateServer = await apps.readNamespacedDeployment({
      name: 'openmetadata',
      namespace: ns.aksCollate,
    });
    expect(collateServer.status?.readyReplicas).toBe(1);
    expect(
      collateServer.spec!.template.metadata!.labels![
        'azure.workload.identity/use'
      ],
    ).toBe('true');
  }, 480_000);

  it('is callable from automation: scripts/scaffold.mjs dry-runs and runs the template through the REST API', async () => {
    const script = join(TEMPLATES_DIR, '../scripts/scaffold.mjs');
    const backendUrl = `http://localhost:${server.address().port}`;
    const name = `collate-run-${suffix}`;
    const values = awsValues(name) as Record<string, unknown>;
    delete values.databasePassword;
    delete values.searchPassword;
    const run = (extra: string[]) =>
      execFileAsync(
        process.execPath,
        [
          script,
          '--template',
          'template:default/collate-aws-eks',
          '--backend',
          backendUrl,
          // Strings stay strings (a suffix of digits would otherwise be sent as a number).
          ...Object.entries(values).flatMap(([k, v]) => [
            typeof v === 'string' ? '--set-string' : '--set',
            `${k}=${v}`,
          ]),
          '--secret',
          'databasePassword=COLLATE_DB_PASSWORD',
          '--secret',
          'searchPassword=COLLATE_SEARCH_PASSWORD',
          ...extra,
        ],
        {
          env: {
            ...process.env,
            BACKSTAGE_TOKEN: mockCredentials.user.token(),
            COLLATE_DB_PASSWORD: awsSecrets.databasePassword,
            COLLATE_SEARCH_PASSWORD: awsSecrets.searchPassword,
          },
          maxBuffer: 16 * 1024 * 1024,
        },
      );

    const dry = await run(['--dry-run']);
    expect(dry.stdout).toContain('collate-argo-controller-role');
    expect(dry.stdout).not.toContain(awsSecrets.databasePassword);
    const real = await run([]);
    const lines = real.stdout.trim().split('\n');
    const output = JSON.parse(lines.at(-1)!);
    expect(output.links[0]).toEqual({
      title: 'Open the System in the catalog',
      icon: 'catalog',
      entityRef: `system:default/${name}`,
    });
    // The third run of the same deployment: everything already converged.
    expect(real.stdout).toContain(`unchanged: system:default/${name}`);
    expect(real.stdout).not.toContain(awsSecrets.databasePassword);
  }, 300_000);

  /**
   * Upgrades a deployment the template test created with the upgrade template, from `from` to the fixture chart
   * published as `to` (1.12.3 → 1.12.4 unless said): the plan first (nothing written), then chart and image together
   * in one new revision, and the version recorded on the System. Resolves with the run.
   */
  /** The fixture openmetadata chart published as `version`, in a folder of its own (removed with `done`). */
  async function publishChart(version: string) {
    const charts = await mkdtemp(join(tmpdir(), 'collate-upgrade-'));
    const chart = await publishFixtureChart('openmetadata', version, charts);
    return {
      chart,
      done: () => rm(charts, { recursive: true, force: true }),
    };
  }

  async function upgrade(
    name: string,
    namespace: string,
    { from, to }: { from: string; to: string } = {
      from: '1.12.3',
      to: '1.12.4',
    },
  ) {
    const tag = (v: string) => `om-${v}-cl-${v}`;
    const esc = (v: string) => v.replace(/\./g, '\\.');
    const { chart, done } = await publishChart(to);
    const values = {
      ...defaultValues(templateNamed('collate-upgrade')),
      system: `system:default/${name}`,
      version: to,
      imageTag: tag(to),
      chart,
      chartRepo: '',
    };
    const template = templateNamed('collate-upgrade');
    const history = async () =>
      (await helmJson(['history', 'openmetadata', '-n', namespace])).map(
        (h: any) => `${h.revision} ${h.status} ${h.chart}`,
      );
    const before = await history();

    const plan = await dryRun(template, values, {});
    expect(plan.text).toContain(
      `${namespace}/openmetadata: openmetadata ${from} (app ${from}) → ${to} (app ${to}), image tag ${tag(
        to,
      )}`,
    );
    expect(plan.text).toContain(`image.tag: "${tag(from)}" -> "${tag(to)}"`);
    expect(plan.text).toContain(
      `would set collate.io/server-chart-version=${to} on system:default/${name}, component:default/${name}-server`,
    );
    // An agent asks for the same plan through the actions registry: the same dry-run, nothing written.
    const agentPlan = await agentCall('plan-upgrade', {
      entityRef: `system:default/${name}`,
      version: to,
      imageTag: tag(to),
      chart,
      chartRepo: '',
    });
    expect(agentPlan.ok).toBe(true);
    expect(agentPlan.plan).toEqual(
      expect.arrayContaining(
        plan.text.split('\n').filter(l => l.includes(` → ${to}`)),
      ),
    );
    expect(agentPlan.steps.find(st => st.id === 'collate')?.status).toBe(
      'completed',
    );
    expect(await history()).toEqual(before);

    const run = await runTask(values, {}, 'collate-upgrade');
    expect(await history()).toEqual([
      ...before.map((h: string) => h.replace(' deployed ', ' superseded ')),
      `${before.length + 1} deployed openmetadata-${to}`,
    ]);
    const deployment = await adminKubeConfig()
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'openmetadata', namespace });
    expect(deployment.spec!.template.spec!.containers[0].image).toMatch(
      new RegExp(`:${esc(tag(to))}$`),
    );
    expect(run.output.text[0].content).toContain(
      `chart ${from} → ${to}, app ${from} → ${to}`,
    );
    const system = await systemOnceItShows(
      name,
      found =>
        found.metadata?.annotations['collate.io/server-chart-version'] === to,
    );
    expect(system.metadata.annotations).toMatchObject({
      'collate.io/server-chart-version': to,
    });
    await done();
    return run;
  }

  it('upgrades the AWS deployment with the upgrade template: the plan first, then chart and image together, reindexed, the System records the version', async () => {
    const reindexes = collate.reindexRuns().length;
    await upgrade(`collate-run-${suffix}`, ns.collate);
    // A new revision: search is rebuilt once more.
    expect(collate.reindexRuns()).toHaveLength(reindexes + 1);
  }, 300_000);

  it('moves the AWS deployment on to 2.0 one release line at a time through the upgrade template: 1.12 → 2.0 refused, 1.13.6, then 2.0.7, each reindexed and recorded', async () => {
    const name = `collate-run-${suffix}`;
    const { chart, done } = await publishChart('2.0.7');
    await expect(
      runTask(
        {
          ...defaultValues(templateNamed('collate-upgrade')),
          system: `system:default/${name}`,
          version: '2.0.7',
          imageTag: 'om-2.0.7-cl-2.0.7',
          chart,
          chartRepo: '',
        },
        {},
        'collate-upgrade',
      ),
    ).rejects.toThrow(
      /runs openmetadata 1\.12\.4; 2\.0\.7 skips the 1\.13 line: upgrade to the newest 1\.13\.x first/,
    );
    await done();
    const reindexes = collate.reindexRuns().length;
    await upgrade(name, ns.collate, { from: '1.12.4', to: '1.13.6' });
    await upgrade(name, ns.collate, { from: '1.13.6', to: '2.0.7' });
    expect(collate.reindexRuns()).toHaveLength(reindexes + 2);
  }, 600_000);

  it('upgrades the Azure deployment the same way; its server is not listed under collate.servers here, so the reindex is skipped and said so', async () => {
    const reindexes = collate.reindexRuns().length;
    const run = await upgrade(`collate-aks-run-${suffix}`, ns.aksCollate);
    expect(run.output.text[0].content).toContain('Search reindex: skipped');
    expect(run.log).toContain(
      `http://openmetadata.${ns.aksCollate}:8585 is not listed under collate.servers`,
    );
    expect(collate.reindexRuns()).toHaveLength(reindexes);
  }, 300_000);

  it('decommissions the AWS deployment: the plan in reverse order of creation, then only what carries its marker goes; a second run changes nothing', async () => {
    const name = `collate-run-${suffix}`;
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    const iam = new IAMClient({ ...awsTestConfig(), region: 'eu-west-1' });
    // Someone else's, made beforehand: an object in the deployment's namespace and an IAM role of the same naming.
    await core.createNamespacedConfigMap({
      namespace: ns.collate,
      body: { metadata: { name: 'someone-elses' }, data: { keep: 'me' } },
    });
    // It trusts the cluster's OIDC provider, which moto shares between every EKS cluster (so with the other test
    // files' roles): the decommission must keep a provider someone else's role still trusts.
    const theirRole = `collate-someone-elses-role-${suffix}`;
    const { OpenIDConnectProviderList = [] } = await iam.send(
      new ListOpenIDConnectProvidersCommand({}),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: theirRole,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: OpenIDConnectProviderList.map(p => ({
            Effect: 'Allow',
            Principal: { Federated: p.Arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
          })),
        }),
      }),
    );
    const values = {
      ...defaultValues(templateNamed('collate-decommission-aws')),
      system: `system:default/${name}`,
      deleteBucket: true,
      confirm: true,
    };
    const roles = [
      'collate-argo-controller-role',
      'collate-argo-server-role',
      'collate-ingestion-role',
      'collate-server-role',
    ].map(r => `${r}-${suffix}`);

    const plan = await dryRun(
      templateNamed('collate-decommission-aws'),
      values,
      {},
    );
    const order: string[] = [
      `would uninstall Helm release ${ns.collate}/openmetadata`,
      `would uninstall Helm release ${ns.argo}/argo-workflows`,
      `would delete ServiceAccount ${ns.collate}/om-role`,
      `would delete Namespace ${ns.argo}`,
      ...roles.map(r => `would delete IAM role ${r}`),
      `would delete S3 bucket collate-argo-artifacts-${suffix}`,
      `would remove: system:default/${name}`,
    ];
    expect(order.filter(line => !plan.text.includes(line))).toEqual([]);
    const at = order.map(line => plan.text.indexOf(line));
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(plan.text).toContain(
      `kept: namespace ${ns.collate} holds what deployment ${name} did not create: ConfigMap someone-elses`,
    );
    expect(plan.text).not.toContain(`would delete IAM role ${theirRole}`);
    // The same plan for an agent, the template chosen by the System's cloud.
    const agentPlan = (
      await agentCall('plan-decommission', {
        entityRef: `system:default/${name}`,
        deleteStorage: true,
      })
    ).plan.join('\n');
    expect(order.filter(line => !agentPlan.includes(line))).toEqual([]);

    const run = await runTask(values, {}, 'collate-decommission-aws');
    expect(run.output.text[0].content).toContain(
      `IAM roles: ${roles.join(', ')}`,
    );
    const releases = (await helmJson(['list', '-A'])).filter((r: any) =>
      [ns.collate, ns.argo].includes(r.namespace),
    );
    expect(releases).toEqual([]);
    for (const RoleName of roles)
      await expect(
        iam.send(new GetRoleCommand({ RoleName })),
      ).rejects.toThrow();
    await iam.send(new GetRoleCommand({ RoleName: theirRole }));
    for (const { Arn } of OpenIDConnectProviderList)
      await iam.send(
        new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn }),
      );
    await core.readNamespacedConfigMap({
      name: 'someone-elses',
      namespace: ns.collate,
    });
    let system = 200;
    for (let i = 0; i < 60 && system === 200; i++) {
      system = (
        await request(server)
          .get(`/api/catalog/entities/by-name/system/default/${name}`)
          .set('Authorization', auth)
      ).status;
      if (system === 200) await new Promise(r => setTimeout(r, 500));
    }
    expect(system).toBe(404);

    // A second run: the System is gone, the cluster steps are skipped, nothing is left in AWS.
    const marks = markChanges();
    const second = await runTask(values, {}, 'collate-decommission-aws');
    expect(second.log).toContain(
      `no IAM role carries collate.io/deployment=${name}: nothing to delete`,
    );
    expect(second.log).toContain(
      `deployment ${name} is not registered: nothing to remove`,
    );
    expectNothingChangedSince(marks, [ns.collate, ns.argo]);
  }, 300_000);

  it('decommissions the Azure deployment: releases, objects, grants, identities and its storage go; a second run, the System gone, changes nothing', async () => {
    const name = `collate-aks-run-${suffix}`;
    const rg = `/subscriptions/${subscriptionId}/resourceGroups/collate-rg/providers`;
    const account = `${rg}/Microsoft.Storage/storageAccounts/collaterun${suffix}`;
    const identities = [
      'argo-workflows-controller',
      'argo-workflows-server',
      'collate-application',
      'collate-ingestion',
    ];
    const values = {
      ...defaultValues(templateNamed('collate-decommission-azure')),
      system: `system:default/${name}`,
      deleteStorage: true,
      confirm: true,
    };

    const before = arm.mutatingCalls().length;
    const plan = await dryRun(
      templateNamed('collate-decommission-azure'),
      values,
      {},
    );
    const order: string[] = [
      `would uninstall Helm release ${ns.aksCollate}/openmetadata`,
      `would uninstall Helm release ${ns.aksArgo}/argo-workflows`,
      `would delete ServiceAccount ${ns.aksCollate}/om-role`,
      `would delete role assignment 'Storage Blob Data Contributor' for collate-ingestion`,
      ...identities.slice(0, 3).map(i => `would delete managed identity ${i} `),
      `would delete federated credential collate-application of collate-ingestion (system:serviceaccount:${ns.aksCollate}:om-role)`,
      'would delete managed identity collate-ingestion ',
      `would delete storage account collaterun${suffix} with its containers argo-workflows`,
      `would remove: system:default/${name}`,
    ];
    expect(order.filter(line => !plan.text.includes(line))).toEqual([]);
    const at = order.map(line => plan.text.indexOf(line));
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(arm.mutatingCalls().slice(before)).toEqual([]);

    const run = await runTask(values, {}, 'collate-decommission-azure');
    expect(run.output.text[0].content).toContain(
      `Managed identities: ${identities.join(', ')}`,
    );
    expect(run.output.text[0].content).toContain(
      `Storage: collaterun${suffix}`,
    );
    const releases = (await helmJson(['list', '-A'])).filter((r: any) =>
      [ns.aksCollate, ns.aksArgo].includes(r.namespace),
    );
    expect(releases).toEqual([]);
    for (const i of identities)
      expect(
        arm.resource(
          `${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/${i}`,
        ),
      ).toBeUndefined();
    expect(arm.resource(account)).toBeUndefined();
    const grants = arm
      .mutatingCalls()
      .filter(c => c.method === 'PUT' && /roleAssignments/.test(c.path));
    expect(grants.length).toBeGreaterThanOrEqual(4);
    for (const c of grants)
      expect(arm.resource(c.path.split('?')[0])).toBeUndefined();

    // A second run, the System gone: subscription and resource group from the form; nothing is left anywhere.
    const marks = markChanges();
    const second = await runTask(
      { ...values, subscriptionId, resourceGroup: 'collate-rg' },
      {},
      'collate-decommission-azure',
    );
    expect(second.log).toContain(
      `no managed identity in collate-rg carries collate.io_deployment=${name}: nothing to delete`,
    );
    expect(second.log).toContain(
      `deployment ${name} is not registered: nothing to remove`,
    );
    expectNothingChangedSince(marks, [ns.aksCollate, ns.aksArgo]);
  }, 300_000);

  it('needs no cloud permission beyond the least-privilege IAM policy and Azure role of docs/least-privilege', () => {
    // Every AWS and ARM call the templates made above (runs, re-runs, upgrades, decommissions), as the servers saw them.
    const awsNeeded = new Set<string>();
    const awsUnknown: string[] = [];
    for (const call of aws.calls) {
      const actions = iamActionsOf(call);
      if (!actions) awsUnknown.push(`${call.service} ${call.operation}`);
      else actions.forEach(a => awsNeeded.add(a));
    }
    const azureNeeded = new Set(
      arm.calls
        .filter(c => c.status < 400 || c.status === 404)
        .map(azureActionOf)
        .filter((a): a is string => Boolean(a)),
    );
    const policy = JSON.parse(
      readFileSync(join(LEAST_PRIVILEGE, 'aws-iam-policy.json'), 'utf8'),
    );
    const role = JSON.parse(
      readFileSync(join(LEAST_PRIVILEGE, 'azure-role-definition.json'), 'utf8'),
    );
    const allowed = policyActions(policy);
    expect(awsUnknown).toEqual([]);
    expect([...awsNeeded].filter(a => !allowed.has(a)).sort()).toEqual([]);
    expect(
      [...azureNeeded].filter(a => !role.Actions.includes(a)).sort(),
    ).toEqual([]);
    // Nothing granted on Azure that these runs do not use (AWS: the scaffolder module's own test compares the policy
    // with every AWS command its code can send, some only on paths these runs do not take).
    expect(
      (role.Actions as string[]).filter(a => !azureNeeded.has(a)).sort(),
    ).toEqual([]);
  });
});
