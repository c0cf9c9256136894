import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../childEnv';
import { diagnosticsOf } from './diagnostics';
import { recognizeError, TerraformKnownError } from './knownErrors';
import { Redactor } from './redactor';
import { run } from './run';
import type { TerraformSandbox } from './sandbox';

/** A Terraform output as `output -json` gives it. */
export interface TerraformOutput {
  sensitive: boolean;
  value: unknown;
}

/** A resource a saved plan changes (`show -json`'s resource_changes, without its planned values). */
export interface PlannedChange {
  address: string;
  type: string;
  change: { actions: string[] };
}

/**
 * One run of Terraform (or OpenTofu) for a task: a scratch directory owned by the user Terraform runs as (the module in
 * `dir`, its HOME and data directory), an environment allow-listed from the backend's (`childEnv`), and everything
 * Terraform prints redacted by value: the task's secrets, and the sensitive outputs once read. Its commands fail with
 * the guides' known errors recognized, or with Terraform's own diagnostics, redacted.
 */
export class TerraformSession {
  readonly redactor = new Redactor();

  private constructor(
    private readonly binary: string,
    readonly scratch: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: {
      logger: LoggerService;
      sandbox: TerraformSandbox;
      timeoutMs: number;
    },
  ) {}

  /** The module's directory: Terraform's working directory. */
  get dir(): string {
    return join(this.scratch, 'module');
  }

  static async open(
    config: Config,
    options: {
      logger: LoggerService;
      sandbox: TerraformSandbox;
      timeoutMs: number;
      secrets: Record<string, string> | undefined;
    },
  ): Promise<TerraformSession> {
    const binary =
      config.getOptionalString('collate.terraform.binary') ?? 'terraform';
    const scratch = await mkdtemp(join(tmpdir(), 'collate-terraform-'));
    const home = join(scratch, 'home');
    // An allow-list of the backend's environment (cloud credentials, proxies), never all of it.
    const env = childEnv(config, 'terraform', {
      HOME: home,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      TF_DATA_DIR: join(scratch, 'data'),
      TF_CLI_CONFIG_FILE: config.getOptionalString(
        'collate.terraform.cliConfigFile',
      ),
    });
    const session = new TerraformSession(binary, scratch, env, options);
    session.redactor.add(Object.values(options.secrets ?? {}));
    await Promise.all([mkdir(session.dir), mkdir(home)]);
    // Everything Terraform reads or writes is in the scratch directory, owned by the user it runs as.
    await Promise.all([scratch, session.dir, home].map(p => session.own(p)));
    return session;
  }

  /** Runs a command in the module's directory, its lines streamed to the task log redacted (none when `quiet`). */
  run(
    args: string[],
    quiet = false,
  ): Promise<{ code: number; output: string }> {
    return run(this.binary, args, {
      cwd: this.dir,
      env: this.env,
      logger: this.options.logger,
      timeoutMs: this.options.timeoutMs,
      sandbox: this.options.sandbox,
      redact: text => this.redactor.redact(text),
      quiet,
      json: args.includes('-json'),
    });
  }

  /** Throws unless the command exited with one of `ok`: a known error with its remedy, or what Terraform said. */
  check(
    step: string,
    result: { code: number; output: string },
    ok: number[] = [0],
  ): void {
    if (ok.includes(result.code)) return;
    // A `-json` run (apply) says what failed in its diagnostics; the guides' known errors are read from them.
    const errors = diagnosticsOf(result.output).filter(
      d => d.severity === 'error',
    );
    const known = recognizeError(errors);
    if (known)
      throw new TerraformKnownError(
        this.redactor.redact(`${step} failed: ${known.what}. ${known.remedy}`),
        known.code,
      );
    const said = errors.length
      ? errors.map(d => `${d.summary}: ${d.detail}`).join(' | ')
      : result.output
          .trim()
          .split('\n')
          .filter(l => l.trim())
          .slice(-4)
          .join(' | ');
    throw new Error(
      `${step} failed (exit ${result.code}): ${this.redactor.redact(said)}`,
    );
  }

  /** The state's outputs; the sensitive ones' values are redacted from everything after. Never streamed. */
  async outputs(): Promise<Record<string, TerraformOutput>> {
    const out = await this.run(['output', '-json', '-no-color'], true);
    this.check('output', out);
    const all = JSON.parse(
      out.output.slice(out.output.indexOf('{')) || '{}',
    ) as Record<string, TerraformOutput>;
    this.redactor.add(
      Object.values(all)
        .filter(o => o.sensitive)
        .map(o => o.value),
    );
    return all;
  }

  /** What a saved plan changes, beyond reads and no-ops (`show -json` holds planned values: never logged). */
  async plannedChanges(planFile: string): Promise<PlannedChange[]> {
    const shown = await this.run(
      ['show', '-json', '-no-color', planFile],
      true,
    );
    this.check('show plan', shown);
    const plan = JSON.parse(
      shown.output.slice(shown.output.indexOf('{')) || '{}',
    ) as { resource_changes?: PlannedChange[] };
    return (plan.resource_changes ?? []).filter(
      r => !r.change.actions.every(a => a === 'no-op' || a === 'read'),
    );
  }

  /** Writes a file only its owner reads, owned by the user Terraform runs as. */
  async writeOwned(path: string, text: string): Promise<void> {
    await writeFile(path, text, { mode: 0o600 });
    await this.own(path);
  }

  /** Removes the scratch directory and everything Terraform left in it. */
  close(): Promise<void> {
    return rm(this.scratch, { recursive: true, force: true });
  }

  private async own(path: string) {
    const runAs = this.options.sandbox.runAs;
    if (runAs) await chown(path, runAs.uid, runAs.gid);
  }
}
