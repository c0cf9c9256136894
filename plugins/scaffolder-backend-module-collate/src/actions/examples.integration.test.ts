import { ConfigReader } from '@backstage/config';
import { randomUUID } from 'node:crypto';
import yaml from 'yaml';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { validate } from 'jsonschema';
import {
  awsTestConfig,
  collateAwsTestConfig,
  ensureEksCluster,
  chartPath,
  gitModuleSource,
  removeMetaflowStacks,
  terraformFixturePath,
  backstageKubernetesConfig,
  startArmContractServer,
  startCollateContractServer,
  type CollateContractServer,
  testEnv,
  type ArmContractServer,
} from '@internal/testenv';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { actionContext } from '../__testUtils__/context';
import { createCollateActions } from './index';
import { clusterOptions } from '../__testUtils__/clusters';

/** Every action's documented examples, executed in order against the local environment, outputs wired forward. */
const EXAMPLES_STATE_BUCKET = `tfstate-examples-${Date.now()}`;
/** The Metaflow example's org_prefix here; the terraform action's own tests use acme on the same cluster. */
const EXAMPLES_ORG_PREFIX = 'acmeexamples';

/** Overrides known only once the environment runs (contract server URLs). */
const RUNTIME_OVERRIDES: Record<string, Record<string, unknown>> = {};

// Chart repositories and Azure state storage cannot be reached here: Helm examples install the fixture chart of
// the same name, the Terraform example keeps its state in S3 on moto.
const LOCAL_CHARTS: Record<string, Record<string, unknown>> = {
  'collate:argo:install': {
    chart: chartPath('argo-workflows'),
    repo: '',
    timeoutSeconds: 120,
  },
  'collate:deploy': {
    chart: chartPath('openmetadata'),
    repo: '',
    timeoutSeconds: 120,
  },
  // The fixture chart has one version: the upgrade example finds the deploy example's release already there.
  'collate:upgrade': {
    chart: chartPath('openmetadata'),
    repo: '',
    version: '1.12.3',
    imageTag: 'om-1.12.3-cl-1.12.3',
    timeoutSeconds: 120,
  },
  'collate:runner:register': {
    chart: chartPath('hybrid-ingestion-runner'),
    repo: '',
    timeoutSeconds: 120,
    // The collate:argo:install example's Argo is in argo-workflows: the runner's own Argo goes elsewhere.
    argoNamespace: `runner-argo-${Date.now().toString(36)}`,
  },
  // The examples' namespaces are shared with other test files: the decommission examples name a deployment that
  // owns nothing there, so they run their whole path and keep everything.
  'collate:helm:uninstall': { deployment: 'examples-owns-nothing' },
  'collate:kubernetes:delete': { deployment: 'examples-owns-nothing' },
  'collate:aws:iam:delete-roles': { deployment: 'examples-owns-nothing' },
  'collate:aws:s3:delete-bucket': { deployment: 'examples-owns-nothing' },
  'collate:aws:eks:delete-oidc-provider': {
    deployment: 'examples-owns-nothing',
  },
  'collate:terraform:apply': {
    // The stack's services go into the local cluster, in a namespace named from org_prefix: one of its own.
    variables: { org_prefix: EXAMPLES_ORG_PREFIX, deploy_argo: true },
    backend: {
      type: 's3',
      config: {
        bucket: EXAMPLES_STATE_BUCKET,
        key: 'metaflow.tfstate',
        region: 'us-east-1',
        use_path_style: 'true',
        skip_credentials_validation: 'true',
        skip_requesting_account_id: 'true',
        skip_metadata_api_check: 'true',
        skip_region_validation: 'true',
      },
    },
  },
};

describe('action examples', () => {
  let arm: ArmContractServer;
  let collate: CollateContractServer;
  let actions: Map<string, TemplateAction<any, any, any>>;
  const outputs: Record<string, Record<string, unknown>> = {};
  const secrets: Record<string, string> = {
    databasePassword: 'example-db-password',
    searchPassword: 'example-search-password',
    argoDbPassword: 'example-argo-db-password',
  };

  // Dependency order: later examples use earlier outputs.
  const ORDER = [
    'collate:azure:aks:workload-identity',
    'collate:azure:storage:ensure',
    'collate:azure:identity:create',
    'collate:azure:identity:federate',
    'collate:azure:role:assign',
    'collate:aws:eks:oidc-provider',
    'collate:aws:s3:ensure-bucket',
    'collate:aws:iam:service-account-role',
    'collate:kubernetes:apply',
    'collate:kubernetes:prepare',
    'collate:preflight',
    'collate:argo:install',
    'collate:deploy',
    'collate:upgrade',
    'collate:reindex',
    'collate:aws:ecr:pull-secret',
    'collate:terraform:apply',
    'collate:runner:register',
    // Decommission: after everything else.
    'collate:helm:uninstall',
    'collate:kubernetes:delete',
    'collate:aws:iam:delete-roles',
    'collate:aws:s3:delete-bucket',
    'collate:aws:eks:delete-oidc-provider',
    'collate:azure:role:delete-assignments',
    'collate:azure:identity:delete',
    'collate:azure:storage:delete',
  ];

  beforeAll(async () => {
    arm = await startArmContractServer({ tls: testEnv.tls() });
    const subscriptionId = randomUUID();
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup: 'collate-rg',
      name: 'collate-aks',
    });
    const k8s = backstageKubernetesConfig();
    const local = k8s.clusterLocatorMethods[0].clusters[0];
    // The examples' cluster names, all pointing at the local API server.
    k8s.clusterLocatorMethods[0].clusters = ['aks-prod', 'eks-prod'].map(
      name => ({ ...local, name }),
    );
    const aws = awsTestConfig();
    // The runner example registers with the Collate contract server, which sees the runner connect; the reindex
    // examples reach it as the deploy example's server (collate.servers).
    collate = await startCollateContractServer({ tls: testEnv.tls() });
    collate.connectRunner('acme-aks-runner', 1000);
    collate.setReindexOutcome('success', 200);
    const config = new ConfigReader({
      kubernetes: k8s,
      collate: {
        azure: arm.backstageConfig(subscriptionId),
        aws: collateAwsTestConfig(),
        helm: { binary: testEnv.helmBin() },
        terraform: {
          ...testEnv.terraformConfig(),
          // The example's source name, served as the Metaflow-shaped fixture at a pinned commit.
          allowedSources: [
            {
              name: 'metaflow-tools-azure',
              source: await gitModuleSource(terraformFixturePath()),
            },
          ],
        },
        servers: [
          {
            url: 'http://openmetadata.collate:8585',
            baseUrl: collate.url,
            token: collate.issueToken('ingestion-bot'),
          },
        ],
      },
    });
    RUNTIME_OVERRIDES['collate:runner:register'] = {
      serverHost: collate.url,
      pollIntervalSeconds: 1,
      waitTimeoutSeconds: 30,
    };
    secrets.ingestionBotToken = collate.issueToken('ingestion-bot');
    // The Terraform example's S3 state backend reaches moto through the AWS SDK's standard environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: aws.endpoint,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    });
    await new S3Client(aws).send(
      new CreateBucketCommand({ Bucket: EXAMPLES_STATE_BUCKET }),
    );
    actions = new Map(
      createCollateActions(clusterOptions(config)).map(a => [a.id, a]),
    );
    await ensureEksCluster('collate-eks');
    await removeMetaflowStacks([EXAMPLES_ORG_PREFIX]);
    // A stack left by an interrupted run goes first: its namespace's pods take a while to go.
  }, 90_000);
  afterAll(async () => {
    await arm.close();
    await collate.close();
    await removeMetaflowStacks([EXAMPLES_ORG_PREFIX]);
  }, 90_000);

  /** Resolves `${{ steps.x.output.y }}`, `${{ steps["x"].output.y }}` and `${{ secrets.x }}` like the scaffolder. */
  function resolve(value: unknown): unknown {
    if (typeof value === 'string') {
      const whole = value.match(/^\$\{\{\s*(.+?)\s*\}\}$/);
      if (!whole) return value;
      const expr = whole[1];
      const step = expr.match(
        /^steps(?:\.([\w-]+)|\["([^"]+)"\])\.output\.(\w+)$/,
      );
      if (step) return outputs[step[1] ?? step[2]]?.[step[3]];
      const secret = expr.match(/^secrets\.(\w+)$/);
      if (secret) return secrets[secret[1]];
      throw new Error(`unsupported expression ${expr}`);
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, resolve(v)]),
      );
    return value;
  }

  it('every registered action has examples, and this test runs all of them', () => {
    expect([...actions.keys()].sort()).toEqual([...ORDER].sort());
    for (const action of actions.values())
      expect(action.examples?.length).toBeGreaterThan(0);
  });

  it.each(ORDER)(
    '%s: its examples run and give the outputs later examples use',
    async id => {
      const action = actions.get(id)!;
      for (const example of action.examples!) {
        const { steps } = yaml.parse(example.example) as {
          steps: Array<{
            id: string;
            action: string;
            input: Record<string, unknown>;
          }>;
        };
        for (const step of steps) {
          expect(step.action).toBe(id);
          const input = {
            ...(resolve(step.input) as Record<string, unknown>),
            ...LOCAL_CHARTS[id],
            ...RUNTIME_OVERRIDES[id],
          };
          for (const [k, v] of Object.entries(input))
            expect(v === undefined ? `${k} unresolved` : k).toBe(k);
          // Validated as the scaffolder does: its JSON schema, no defaults filled in (handlers apply them).
          const result = validate(input, action.schema!.input as never);
          expect(result.errors.map(e => e.stack)).toEqual([]);
          const { ctx, outputs: out } = actionContext(input as never);
          await action.handler(ctx as never);
          outputs[step.id] = out;
          expect(Object.keys(out).length).toBeGreaterThan(0);
        }
      }
    },
    // Helm installs wait for their pods, the reindex for its run.
    120_000,
  );
});
