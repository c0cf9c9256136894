import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { withDefaults } from '../../lib/defaults';
import { fail } from '../../lib/validation';
import { examples } from './terraformApply.examples';
import { childEnv } from '../../lib/childEnv';
import { recognizeError } from '../../lib/terraform/knownErrors';
import { run } from '../../lib/terraform/run';
import { nameList } from '../../lib/schema';

export const TERRAFORM_DEFAULTS = {
  /** Guide 004: infra first, then services. */
  targets: ['module.infra', 'module.services'],
  timeoutSeconds: 3600,
};

type Backend = {
  type: 'azurerm' | 's3' | 'gcs' | 'local';
  config: Record<string, string>;
};

/**
 * `collate:terraform:apply`: the Metaflow-on-Azure Terraform (guides 003/004) with Terraform or OpenTofu: `init` with a
 * remote state backend, then plan and apply per target in order (module.infra, then module.services). A target
 * whose plan shows no changes is not applied. Dry-run only plans.
 * @public
 */
export function createTerraformApplyAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'collate:terraform:apply',
    description:
      "Applies a Terraform/OpenTofu configuration in the workspace target by target (guide 004: module.infra, then module.services) with a remote state backend. Streams progress to the task log, outputs only non-sensitive outputs, recognizes the guides' known provisioning errors. Dry-run runs plan only.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        directory: z =>
          z
            .string()
            .describe(
              'Configuration directory, relative to the task workspace (e.g. after fetch:plain)',
            ),
        targets: z =>
          z
            .array(z.string())
            .default(TERRAFORM_DEFAULTS.targets)
            .describe(
              'Targets in apply order (guide 004: module.infra, module.services)',
            ),
        variables: z =>
          z
            .record(z.union([z.string(), z.number(), z.boolean()]))
            .default({})
            .describe(
              'Variables, e.g. org_prefix, deploy_argo, deploy_airflow (passed in a file, never on the command line)',
            ),
        backend: z =>
          z
            .object({
              type: z
                .enum(['azurerm', 's3', 'gcs', 'local'])
                .describe(
                  'State backend type (guide 004 recommends Azure Blob Storage: azurerm)',
                ),
              config: z
                .record(z.string())
                .default({})
                .describe(
                  'Backend settings, e.g. storage_account_name, container_name, key',
                ),
            })
            .describe('Remote state backend'),
        allowLocalState: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Allow backend type local (the guide advises against local state)',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(60)
            .max(21600)
            .default(TERRAFORM_DEFAULTS.timeoutSeconds)
            .describe('Time limit per command'),
      },
      output: {
        outputs: z =>
          z
            .record(z.any())
            .describe(
              'Non-sensitive Terraform outputs (e.g. the end-user setup instructions)',
            ),
        changed: nameList(
          'Targets that had (or, in dry-run, would have) changes',
        ),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, TERRAFORM_DEFAULTS);
      const backend = input.backend as Backend;
      const variables = (input.variables ?? {}) as Record<
        string,
        string | number | boolean
      >;
      if (
        isAbsolute(input.directory) ||
        relative(
          ctx.workspacePath,
          resolve(ctx.workspacePath, input.directory),
        ).startsWith('..')
      ) {
        fail(
          'directory',
          `'${input.directory}' must be a directory inside the task workspace`,
        );
      }
      const dir = resolve(ctx.workspacePath, input.directory);
      if (!(await stat(dir).catch(() => undefined))?.isDirectory())
        fail(
          'directory',
          `'${input.directory}' does not exist in the workspace`,
        );
      input.targets.forEach((t, i) => {
        if (
          !/^(module|data)?\.?[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*(\[[^\]]+\])?$/.test(
            t,
          )
        )
          fail(`targets[${i}]`, `'${t}' is not a resource or module address`);
      });
      for (const name of Object.keys(variables)) {
        if (!/^[A-Za-z_][\w-]*$/.test(name))
          fail(`variables.${name}`, 'is not a variable name');
      }
      if (
        'org_prefix' in variables &&
        !/^[a-z0-9]{2,12}$/.test(String(variables.org_prefix))
      ) {
        // Guide 004: it becomes part of globally unique names (storage account, database server).
        fail(
          'variables.org_prefix',
          `'${variables.org_prefix}' must be 2-12 lowercase letters and digits ("short and distinctive")`,
        );
      }
      if (backend.type === 'local' && !input.allowLocalState) {
        throw new InputError(
          "Invalid input 'backend': local state is lost with the task's workspace; use a remote backend (azurerm) or set allowLocalState",
        );
      }
      for (const [k, v] of Object.entries(backend.config)) {
        if (!/^[a-z_]+$/.test(k) || /[\n"]/.test(v))
          fail(
            `backend.config.${k}`,
            'must be a backend setting name with a single-line value',
          );
      }

      const binary =
        options.config.getOptionalString('collate.terraform.binary') ??
        'terraform';
      const scratch = await mkdtemp(join(tmpdir(), 'collate-terraform-'));
      // An allow-list of the backend's environment (cloud credentials, proxies), never all of it.
      const env = childEnv(options.config, 'terraform', {
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        TF_DATA_DIR: join(scratch, 'data'),
        TF_CLI_CONFIG_FILE: options.config.getOptionalString(
          'collate.terraform.cliConfigFile',
        ),
      });
      const timeoutMs = input.timeoutSeconds * 1000;
      const tf = async (args: string[], quiet = false) =>
        run(binary, args, {
          cwd: dir,
          env,
          logger: ctx.logger,
          timeoutMs,
          quiet,
        });
      const check = (
        step: string,
        result: { code: number; output: string },
        ok: number[] = [0],
      ) => {
        if (ok.includes(result.code)) return;
        const known = recognizeError(result.output);
        if (known)
          throw new Error(`${step} failed: ${known.what}. ${known.remedy}`);
        const last = result.output
          .trim()
          .split('\n')
          .filter(l => l.trim())
          .slice(-4)
          .join(' | ');
        throw new Error(`${step} failed (exit ${result.code}): ${last}`);
      };
      try {
        // The backend block goes into an override file, so the configuration itself needs no change.
        const overrideFile = join(dir, 'zz_backstage_backend_override.tf');
        await writeFile(
          overrideFile,
          `terraform {\n  backend "${backend.type}" {}\n}\n`,
          { mode: 0o600 },
        );
        const backendFile = join(scratch, 'backend.tfbackend');
        await writeFile(
          backendFile,
          Object.entries(backend.config)
            .map(([k, v]) => `${k} = "${v}"`)
            .join('\n'),
          { mode: 0o600 },
        );
        const varFile = join(scratch, 'variables.tfvars.json');
        await writeFile(varFile, JSON.stringify(variables), { mode: 0o600 });

        check(
          'init',
          await tf([
            'init',
            '-input=false',
            '-no-color',
            `-backend-config=${backendFile}`,
          ]),
        );
        const changed: string[] = [];
        for (const target of input.targets) {
          const planFile = join(
            scratch,
            `${target.replace(/\W/g, '_')}.tfplan`,
          );
          const plan = await tf([
            'plan',
            '-input=false',
            '-no-color',
            '-detailed-exitcode',
            '-lock-timeout=5m',
            `-target=${target}`,
            `-var-file=${varFile}`,
            ...(ctx.isDryRun ? [] : [`-out=${planFile}`]),
          ]);
          check(`plan ${target}`, plan, [0, 2]);
          if (plan.code === 0) {
            ctx.logger.info(`unchanged ${target}: no changes to apply`);
            continue;
          }
          changed.push(target);
          if (ctx.isDryRun) {
            ctx.logger.info(`would apply ${target}`);
            continue;
          }
          await ctx.checkpoint({
            key: `terraform.apply.${input.directory}.${target}`,
            fn: async () => {
              check(
                `apply ${target}`,
                await tf([
                  'apply',
                  '-input=false',
                  '-no-color',
                  '-lock-timeout=5m',
                  planFile,
                ]),
              );
            },
          });
        }
        // Not streamed: the JSON holds sensitive outputs' values too.
        const out = await tf(['output', '-json', '-no-color'], true);
        check('output', out);
        const all = JSON.parse(
          out.output.slice(out.output.indexOf('{')) || '{}',
        ) as Record<string, { sensitive: boolean; value: unknown }>;
        ctx.output(
          'outputs',
          Object.fromEntries(
            Object.entries(all)
              .filter(([, o]) => !o.sensitive)
              .map(([k, o]) => [k, o.value]),
          ),
        );
        ctx.output('changed', changed);
      } finally {
        await rm(join(dir, 'zz_backstage_backend_override.tf'), {
          force: true,
        });
        await rm(scratch, { recursive: true, force: true });
      }
    },
  });
}
