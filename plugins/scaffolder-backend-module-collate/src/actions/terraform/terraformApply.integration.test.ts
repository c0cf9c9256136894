import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  adminKubeConfig,
  awsTestConfig,
  gitModuleSource,
  metaflowStackNamespace,
  removeMetaflowStacks,
  terraformFixturePath,
  testEnv,
} from '@internal/testenv';
import { AppsV1Api } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { envProbe } from '../../__testUtils__/envProbe';
import { recordingLogger } from '../../__testUtils__/context';
import { TerraformKnownError } from '../../lib/terraform/knownErrors';
import { createTerraformApplyAction } from './terraformApply';

/**
 * A module that tries what a hostile one would: every process's environment it can list under /proc, the backend's
 * own by its pid, and who it runs as. Allowed by the operators here, to show what the sandbox leaves it.
 */
async function procProbeModule(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'proc-probe-'));
  await mkdir(join(dir, 'infra'));
  await writeFile(
    join(dir, 'infra', 'main.tf'),
    `variable "backend_pid" { type = number }
locals { environs = fileset("/proc", "*/environ") }
resource "terraform_data" "probe" {
  input = {
    environs = sort(tolist(local.environs))
    leak     = join("|", [for f in local.environs : try(file("/proc/\${f}"), "")])
    backend  = try(file("/proc/\${var.backend_pid}/environ"), "unreadable")
    uid      = regex("Uid:[[:space:]]+([0-9]+)", file("/proc/self/status"))[0]
  }
}
output "environs" { value = terraform_data.probe.output.environs }
output "leak" { value = terraform_data.probe.output.leak }
output "backend" { value = terraform_data.probe.output.backend }
output "uid" { value = terraform_data.probe.output.uid }
`,
  );
  await writeFile(
    join(dir, 'main.tf'),
    `variable "backend_pid" { type = number }
module "infra" {
  source      = "./infra"
  backend_pid = var.backend_pid
}
output "environs" { value = module.infra.environs }
output "leak" { value = module.infra.leak }
output "backend" { value = module.infra.backend }
output "uid" { value = module.infra.uid }
`,
  );
  return gitModuleSource(dir);
}

// OpenTofu applies the fixture with its state in S3 on moto, a real remote backend: its infra as terraform_data, its
// services with the real kubernetes provider into the local cluster. The fixture comes from a git repository at a
// pinned commit, as collate.terraform.allowedSources requires.
describe('collate:terraform:apply with OpenTofu and an S3 state backend on moto', () => {
  // Each run fetches the module (init -from-module), inits the state backend, reads the outputs and plans: seconds
  // apiece, more on a loaded machine.
  jest.setTimeout(60_000);
  const aws = awsTestConfig();
  const bucket = `tfstate-${randomBytes(3).toString('hex')}`;
  const key = 'metaflow.tfstate';
  /** The namespace of the local cluster the fixture deploys org_prefix acme's services into. */
  const stack = metaflowStackNamespace('acme');
  // OpenTofu behind a probe that records each process's environment.
  let probe: Awaited<ReturnType<typeof envProbe>>;
  let action: ReturnType<typeof createTerraformApplyAction>;
  const canary = `canary-backend-secret-${randomBytes(6).toString('hex')}`;
  const saved = { ...process.env };
  const backend = {
    type: 's3',
    config: {
      bucket,
      key,
      region: 'us-east-1',
      use_path_style: 'true',
      skip_credentials_validation: 'true',
      skip_requesting_account_id: 'true',
      skip_metadata_api_check: 'true',
      skip_region_validation: 'true',
    },
  };

  beforeAll(async () => {
    // The stack's services outlive a run's state in the local cluster: a fresh state must find none.
    await removeMetaflowStacks(['acme']);
    probe = await envProbe(testEnv.tofuBin());
    action = createTerraformApplyAction({
      config: new ConfigReader({
        collate: {
          terraform: {
            ...testEnv.terraformConfig(),
            binary: probe.binary,
            allowedSources: [
              {
                name: 'metaflow-fixture',
                source: await gitModuleSource(terraformFixturePath()),
              },
              { name: 'proc-probe', source: await procProbeModule() },
            ],
          },
        },
      }),
    });
    // The S3 backend reaches moto through the AWS SDK's standard environment, as it would a VPC endpoint. The
    // backend also holds secrets of its own, which Terraform must never see.
    Object.assign(process.env, {
      COLLATE_TEST_BACKEND_DB_PASSWORD: canary,
      AWS_ENDPOINT_URL_S3: aws.endpoint,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    });
    await new S3Client(aws).send(new CreateBucketCommand({ Bucket: bucket }));
  }, 90_000);
  afterAll(async () => {
    process.env = saved;
    await removeMetaflowStacks(['acme']);
  }, 90_000);

  const run = async (
    input: Record<string, unknown>,
    isDryRun = false,
    secrets: Record<string, string> = {},
    logger = recordingLogger(),
  ) => {
    const outputs: Record<string, unknown> = {};
    const ctx = Object.assign(
      createMockActionContext({
        input: { source: 'metaflow-fixture', backend, ...input } as never,
        logger,
        secrets,
      }),
      {
        isDryRun,
        output: (k: string, v: unknown) => (outputs[k] = v),
      },
    );
    await action.handler(ctx as never);
    return { outputs, logger };
  };
  const stateExists = () =>
    new S3Client(aws)
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .then(
        () => true,
        () => false,
      );

  it('dry-run plans both targets and writes no state', async () => {
    const { outputs, logger } = await run(
      { variables: { org_prefix: 'acme' } },
      true,
    );
    expect(outputs.changed).toEqual(['module.infra', 'module.services']);
    expect(logger.lines.some(l => l.includes('would apply module.infra'))).toBe(
      true,
    );
    expect(await stateExists()).toBe(false);
  });

  it('applies infra then services into remote state; only non-sensitive outputs come out, and the config.json the services module wrote', async () => {
    const { outputs, logger } = await run({
      variables: {
        org_prefix: 'acme',
        deploy_argo: true,
        deploy_airflow: false,
      },
      files: ['config.json'],
    });
    expect(outputs.changed).toEqual(['module.infra', 'module.services']);
    const infraAt = logger.lines.findIndex(l =>
      l.includes(
        'module.infra.terraform_data.storage_account: Creation complete',
      ),
    );
    const servicesAt = logger.lines.findIndex(l =>
      l.includes(
        'module.services.kubernetes_deployment.service["metadata-service"]: Creation complete',
      ),
    );
    expect(infraAt).toBeGreaterThan(-1);
    expect(servicesAt).toBeGreaterThan(infraAt);
    // Names from org_prefix and the workspace, as metaflow-tools builds them; the sensitive output is not there.
    const tfOutputs = outputs.outputs as Record<string, string>;
    expect(Object.keys(tfOutputs)).toEqual(['END_USER_SETUP_INSTRUCTIONS']);
    expect(tfOutputs.END_USER_SETUP_INSTRUCTIONS).toContain(
      'the container "metaflow-storage-container" in\n   the storage account "stacmemetaflowdefault"',
    );
    expect(tfOutputs.END_USER_SETUP_INSTRUCTIONS).toContain(
      'az aks get-credentials --resource-group rg-metaflow-default-westus --name aks-acme-metaflow-default',
    );
    expect(outputs.files).toEqual({
      'config.json': expect.objectContaining({
        METAFLOW_DEFAULT_METADATA: 'service',
        METAFLOW_DEFAULT_DATASTORE: 'azure',
        METAFLOW_DATASTORE_SYSROOT_AZURE:
          'metaflow-storage-container/tf-full-stack-sysroot',
        METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT:
          'https://stacmemetaflowdefault.blob.core.windows.net/',
        METAFLOW_KUBERNETES_SECRETS: 'metaflow-azure-storage-credentials',
        METAFLOW_KUBERNETES_NAMESPACE: stack,
        METAFLOW_SERVICE_INTERNAL_URL: `http://metadata-service.${stack}:8080/`,
        METAFLOW_ARGO_EVENTS_WEBHOOK_URL: `http://argo-events-webhook-eventsource-svc.${stack}:12000/metaflow-event`,
      }),
    });
    // What guide 003 lists, deployed by the real kubernetes provider into the stack's namespace.
    const { items } = await adminKubeConfig()
      .makeApiClient(AppsV1Api)
      .listNamespacedDeployment({ namespace: stack });
    expect(items.map(d => d.metadata?.name).sort()).toEqual([
      'argo-events-controller-manager',
      'argo-server',
      'metadata-service',
      'metaflow-ui-backend-service',
      'metaflow-ui-static-service',
      'workflow-controller',
    ]);
    const metadata = items.find(d => d.metadata?.name === 'metadata-service');
    expect(metadata?.spec?.template.spec?.initContainers?.[0].name).toBe(
      'db-migrations',
    );
    // SERVICE_PRINCIPAL_CREDENTIALS: its client secret (64 hex digits) is nowhere in the log or the outputs.
    expect(logger.lines.join('\n')).not.toMatch(/[0-9a-f]{64}/);
    expect(JSON.stringify(outputs)).not.toMatch(/[0-9a-f]{64}/);
    expect(await stateExists()).toBe(true);
  });

  it("keeps the backend's secrets out of the plan, the remote state and the task log", async () => {
    const plan = await run({ variables: { org_prefix: 'acme' } }, true);
    const apply = await run({ variables: { org_prefix: 'acme' } });
    const state = await (
      await new S3Client(aws).send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      )
    ).Body!.transformToString();
    // Each place with a value it must hold (so the search sees it), and never the canary, as is or base64.
    const places: Array<[string, string, string]> = [
      ['plan', plan.logger.lines.join('\n'), 'module.infra'],
      ['apply', apply.logger.lines.join('\n'), 'module.infra'],
      ['state', state, 'stacmemetaflowdefault'],
    ];
    // Nor the cluster token Terraform's kubernetes provider authenticates with.
    const kubeToken = /token: (\S+)/.exec(
      readFileSync(process.env.KUBE_CONFIG!, 'utf8'),
    )![1];
    for (const [place, text, control] of places) {
      expect([place, text.includes(control)]).toEqual([place, true]);
      for (const form of [
        canary,
        Buffer.from(canary).toString('base64'),
        kubeToken,
      ]) {
        expect([place, text.includes(form)]).toEqual([place, false]);
      }
    }
  });

  it("runs Terraform with its providers' variables and none of the backend's other secrets", async () => {
    const calls = await probe.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const env of calls) {
      expect(Object.values(env)).not.toContain(canary);
      expect(env.COLLATE_TEST_BACKEND_DB_PASSWORD).toBeUndefined();
      expect(env.AWS_ENDPOINT_URL_S3).toBe(process.env.AWS_ENDPOINT_URL_S3);
      expect(env.TF_IN_AUTOMATION).toBe('1');
    }
  });

  it('a re-run changes nothing but writes config.json again into its new workspace', async () => {
    const { outputs, logger } = await run({
      variables: {
        org_prefix: 'acme',
        deploy_argo: true,
        deploy_airflow: false,
      },
      files: ['config.json'],
    });
    expect(outputs.changed).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.stringContaining(
        'module.services: only writes files of the workspace again (module.services.local_file.metaflow_config_file); nothing else changes',
      ),
    );
    expect(outputs.files).toEqual({
      'config.json': expect.objectContaining({
        METAFLOW_SERVICE_URL: 'http://127.0.0.1:8080/',
      }),
    });
  });

  it("recognizes each of the guide's known provisioning errors in Terraform's diagnostics, and a re-run after it converges", async () => {
    // Azure's own wording, as the azurerm provider reports it at apply.
    const failures: Array<[string, RegExp]> = [
      [
        'creating Flexible Server (Subscription: "0000" Resource Group Name: "rg-metaflow" Flexible Server Name: "metaflow-database-server-acme"): polling after Create: polling failed: Code="InternalServerError" Message="An unexpected error occured while processing the request."',
        /^apply module\.infra failed: Azure failed to create the PostgreSQL Flexible Server \(InternalServerError\)\. Azure answers this for a while after the first Flexible Server of a subscription: wait about 20 minutes and run the template again/,
      ],
      [
        'creating Kubernetes Cluster: Code="ReconcileVMSSAgentPoolFailed" Message="Code=\\"AllocationFailed\\" Message=\\"Allocation failed. We do not have sufficient capacity for the requested VM size Standard_D4s_v5 in this region.\\""',
        /^apply module\.infra failed: Azure could not allocate VMs of size Standard_D4s_v5 \(AllocationFailed\)\. Choose another VM size than Standard_D4s_v5/,
      ],
      [
        'creating Kubernetes Cluster: Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 10, Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12."',
        /^apply module\.infra failed: The subscription's standardDSv5Family quota in westeurope is exceeded \(QuotaExceeded\)\. Request a quota increase for standardDSv5Family in westeurope/,
      ],
    ];
    for (const [message, said] of failures) {
      const failed = await run({
        variables: { org_prefix: 'acme', fail_with: message },
      }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(failed).toBeInstanceOf(TerraformKnownError);
      expect(failed?.message).toMatch(said);
    }
    // After the wait (or the new VM size), the same run converges: the failed resource is created this time.
    const { outputs } = await run({ variables: { org_prefix: 'acme' } });
    expect(outputs.changed).toEqual(['module.infra']);
    const again = await run({ variables: { org_prefix: 'acme' } });
    expect(again.outputs.changed).toEqual([]);
  });

  it('refuses local state unless allowed, and a bad org_prefix, before running anything', async () => {
    await expect(
      run({
        backend: { type: 'local', config: {} },
        variables: { org_prefix: 'acme' },
      }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      run({ variables: { org_prefix: 'Acme Corp' } }),
    ).rejects.toBeInstanceOf(InputError);
    // A module source is a name the operators allow, never a URL from the task.
    const ran = (await probe.calls()).length;
    for (const source of [
      'https://github.com/outerbounds/metaflow-tools/tree/master/azure/terraform',
      'metaflow-tools-azure',
    ])
      await expect(
        run({ source, variables: { org_prefix: 'acme' } }),
      ).rejects.toThrow(
        /is not a module source this portal allows \(one of: metaflow-fixture, proc-probe\)/,
      );
    expect((await probe.calls()).length).toBe(ran);
  });

  it("redacts the task's secrets from the log and the error, by value", async () => {
    const secret = `s3cr3t-${randomBytes(6).toString('hex')}`;
    const logger = recordingLogger();
    const failed = await run(
      {
        variables: { org_prefix: 'acme', fail_with: `token ${secret} leaked` },
      },
      false,
      { token: secret },
      logger,
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed?.message).toMatch(/apply module\.infra failed/);
    expect(failed?.message).toContain('token *** leaked');
    expect(failed?.message).not.toContain(secret);
    // The apply's streamed messages (its provisioner's output among them) are redacted too.
    expect(logger.lines.join('\n')).toContain('token *** leaked');
    expect(logger.lines.join('\n')).not.toContain(secret);
  });

  it("runs a module in a sandbox: no other process's environment, not the backend's, not as root", async () => {
    const { outputs } = await run({
      source: 'proc-probe',
      backend: { type: 'local', config: {} },
      allowLocalState: true,
      targets: ['module.infra'],
      variables: { backend_pid: process.pid },
    });
    const seen = outputs.outputs as Record<string, string & string[]>;
    expect(seen.backend).toBe('unreadable');
    expect(seen.leak).not.toContain(canary);
    expect(seen.leak).not.toContain('COLLATE_TEST_BACKEND_DB_PASSWORD');
    // Only the sandbox's own few processes (OpenTofu and its children), none of the host's.
    expect(seen.environs.length).toBeLessThan(8);
    expect(seen.environs).not.toContain(`${process.pid}/environ`);
    // As root, the backend runs it as nobody; otherwise as itself, mapped to root of a user namespace of its own.
    expect(seen.uid).toBe(process.getuid?.() === 0 ? '65534' : '0');
  });
});
