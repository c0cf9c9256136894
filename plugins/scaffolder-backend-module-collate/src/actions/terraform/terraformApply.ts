import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import { withDefaults } from '../../lib/defaults';
import { fail } from '../../lib/validation';
import { examples } from './terraformApply.examples';
import { TerraformSession } from '../../lib/terraform/session';
import { readSandbox } from '../../lib/terraform/sandbox';
import { allowedSource, readAllowedSources } from '../../lib/terraform/sources';
import { nameList } from '../../lib/schema';
import {
  readWorkspaceFiles,
  WORKSPACE_FILE,
  WORKSPACE_FILE_TYPES,
} from '../../lib/terraform/workspaceFiles';

export const TERRAFORM_DEFAULTS = {
  /** Guide 004: infra first, then services. */
  targets: ['module.infra', 'module.services'],
  timeoutSeconds: 3600,
  files: [] as string[],
};

type Backend = {
  type: 'azurerm' | 's3' | 'gcs' | 'local';
  config: Record<string, string>;
};

/**
 * `collate:terraform:apply`: the Metaflow-on-Azure Terraform (guides 003/004) with Terraform or OpenTofu, from a module
 * source the operators allow (`collate.terraform.allowedSources`, pinned to a commit): `init -from-module` into a
 * scratch directory, `init` with a remote state backend, then plan and apply per target in order (module.infra, then
 * module.services). A target whose plan shows no changes is not applied. Dry-run only plans. Terraform runs in its
 * sandbox (see `lib/terraform/sandbox.ts`), with only its providers' variables, and what it prints is redacted by
 * value (the task's secrets, the sensitive outputs).
 * @public
 */
export function createTerraformApplyAction(options: { config: Config }) {
  const sources = readAllowedSources(options.config);
  const sandbox = readSandbox(options.config);
  return createTemplateAction({
    id: 'collate:terraform:apply',
    description:
      "Applies a Terraform/OpenTofu configuration from a module source the portal allows (collate.terraform.allowedSources, pinned to a commit), target by target (guide 004: module.infra, then module.services), with a remote state backend. Terraform runs sandboxed (its own PID namespace, unprivileged) with only its providers' credentials; progress streams to the task log with the task's secrets and the sensitive outputs redacted; only non-sensitive outputs come out; the guides' known provisioning errors are recognized. Dry-run runs plan only.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        source: z =>
          z
            .string()
            .regex(
              /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
              'a source name: lowercase letters, digits and dashes',
            )
            .describe(
              "The module source to apply, by its name under collate.terraform.allowedSources (e.g. metaflow-tools-azure): the portal's operators pin each to a commit; a URL is never taken from the task",
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
        files: z =>
          z
            .array(
              z
                .string()
                .regex(
                  WORKSPACE_FILE,
                  "a path inside the module's directory (letters, digits, ., _, -; no ..)",
                ),
            )
            .max(10)
            .default([])
            .describe(
              "Files the module writes into its directory to return after the apply, e.g. config.json (metaflow-tools' services module writes the Metaflow client's configuration there); a .json file is returned parsed",
            ),
      },
      output: {
        outputs: z =>
          z
            .record(z.any())
            .describe(
              'Non-sensitive Terraform outputs (e.g. the end-user setup instructions)',
            ),
        changed: nameList(
          'Targets that had (or, in dry-run, would have) changes, beyond rewriting files of the workspace (local_file)',
        ),
        files: z =>
          z
            .record(z.unknown())
            .describe(
              'The files asked for that the module wrote, by name (a .json file parsed); none in dry-run',
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
      const module = allowedSource(sources, input.source);
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

      const tf = await TerraformSession.open(options.config, {
        logger: ctx.logger,
        sandbox,
        timeoutMs: input.timeoutSeconds * 1000,
        secrets: ctx.secrets,
      });
      const { dir, scratch } = tf;
      try {
        ctx.logger.info(`module source ${module.name}: ${module.source}`);
        tf.check(
          `fetch ${module.name}`,
          await tf.run([
            'init',
            '-input=false',
            '-no-color',
            '-backend=false',
            `-from-module=${module.source}`,
          ]),
        );
        // The backend block goes into an override file, so the configuration itself needs no change.
        await tf.writeOwned(
          join(dir, 'zz_backstage_backend_override.tf'),
          `terraform {\n  backend "${backend.type}" {}\n}\n`,
        );
        const backendFile = join(scratch, 'backend.tfbackend');
        await tf.writeOwned(
          backendFile,
          Object.entries(backend.config)
            .map(([k, v]) => `${k} = "${v}"`)
            .join('\n'),
        );
        const varFile = join(scratch, 'variables.tfvars.json');
        await tf.writeOwned(varFile, JSON.stringify(variables));

        tf.check(
          'init',
          await tf.run([
            'init',
            '-input=false',
            '-no-color',
            `-backend-config=${backendFile}`,
          ]),
        );
        // What the state already holds that is sensitive is redacted from the plans too.
        await tf.outputs();
        const changed: string[] = [];
        for (const target of input.targets) {
          const planFile = join(
            scratch,
            `${target.replace(/\W/g, '_')}.tfplan`,
          );
          const plan = await tf.run([
            'plan',
            '-input=false',
            '-no-color',
            '-detailed-exitcode',
            '-lock-timeout=5m',
            `-target=${target}`,
            `-var-file=${varFile}`,
            `-out=${planFile}`,
          ]);
          tf.check(`plan ${target}`, plan, [0, 2]);
          if (plan.code === 0) {
            ctx.logger.info(`unchanged ${target}: no changes to apply`);
            continue;
          }
          const changes = await tf.plannedChanges(planFile);
          const files = changes.filter(c => WORKSPACE_FILE_TYPES.has(c.type));
          // Only a plan that changes nothing but workspace files is not a change (one with output changes alone is).
          if (files.length === 0 || files.length < changes.length)
            changed.push(target);
          else
            ctx.logger.info(
              `${target}: only writes files of the workspace again (${files
                .map(f => f.address)
                .join(', ')}); nothing else changes`,
            );
          if (ctx.isDryRun) {
            ctx.logger.info(`would apply ${target}`);
            continue;
          }
          await ctx.checkpoint({
            key: `terraform.apply.${module.name}.${target}`,
            fn: async () => {
              tf.check(
                `apply ${target}`,
                await tf.run([
                  'apply',
                  '-input=false',
                  '-json',
                  '-lock-timeout=5m',
                  planFile,
                ]),
              );
            },
          });
        }
        const all = await tf.outputs();
        ctx.output(
          'outputs',
          Object.fromEntries(
            Object.entries(all)
              .filter(([, o]) => !o.sensitive)
              .map(([k, o]) => [k, o.value]),
          ),
        );
        ctx.output('changed', changed);
        ctx.output(
          'files',
          ctx.isDryRun
            ? {}
            : await readWorkspaceFiles(dir, input.files, text =>
                tf.redactor.redact(text),
              ),
        );
      } finally {
        await tf.close();
      }
    },
  });
}
