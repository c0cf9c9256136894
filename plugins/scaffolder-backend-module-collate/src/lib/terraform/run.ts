import type { LoggerService } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { startHeartbeat } from '../heartbeat';

/** Runs the binary, streaming its lines to the task log; resolves with exit code and combined output. */
export function run(
  binary: string,
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    logger: LoggerService;
    timeoutMs: number;
    quiet?: boolean;
  },
): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, {
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
        for (const line of lines) if (line.trim()) options.logger.info(line);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('error', e => {
      clearTimeout(timer);
      heartbeat.stop();
      reject(new Error(`could not run ${binary}: ${e.message}`));
    });
    child.on('close', code => {
      clearTimeout(timer);
      heartbeat.stop();
      if (partial.trim() && !options.quiet) options.logger.info(partial);
      resolvePromise({ code: code ?? 1, output });
    });
  });
}
