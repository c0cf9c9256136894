import type { LoggerService } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { startHeartbeat } from '../heartbeat';
import { messageOf } from './diagnostics';
import { sandboxed, type TerraformSandbox } from './sandbox';

/**
 * Runs the binary in its sandbox, streaming its lines to the task log, each redacted first; resolves with the exit
 * code and the combined output as it came (for `output -json`): the caller redacts what it shows of it.
 */
export function run(
  binary: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    logger: LoggerService;
    timeoutMs: number;
    sandbox: TerraformSandbox;
    redact: (text: string) => string;
    quiet?: boolean;
    /** The run writes `-json` lines: each is logged as its human message. */
    json?: boolean;
  },
): Promise<{ code: number; output: string }> {
  const shown = (line: string) => (options.json ? messageOf(line) : line);
  return new Promise((resolvePromise, reject) => {
    const command = sandboxed(options.sandbox, binary, args);
    const child = spawn(command.command, command.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    // Terraform can be silent for minutes (a provider waiting on Azure): the log says how long it has been at it.
    const heartbeat = startHeartbeat(
      options.logger,
      s => `still running ${binary} ${args[0]}: ${s} s`,
    );
    const onData = (chunk: Buffer) => {
      heartbeat.beat();
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (!options.quiet)
        for (const line of lines)
          if (line.trim()) options.logger.info(options.redact(shown(line)));
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('error', e => {
      clearTimeout(timer);
      heartbeat.stop();
      reject(new Error(`could not run ${command.command}: ${e.message}`));
    });
    child.on('close', code => {
      clearTimeout(timer);
      heartbeat.stop();
      if (partial.trim() && !options.quiet)
        options.logger.info(options.redact(shown(partial)));
      resolvePromise({ code: code ?? 1, output });
    });
  });
}
