import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A wrapper around a real binary that records the environment of each invocation (one file per call, NUL-separated
 * like /proc/<pid>/environ), then execs the binary with the same arguments: the child's environment as it really is.
 */
export async function envProbe(realBinary: string) {
  const dir = await mkdtemp(join(tmpdir(), 'collate-env-probe-'));
  const binary = join(dir, 'probe');
  await writeFile(
    binary,
    `#!/bin/sh\nenv -0 > "$(mktemp "${dir}/env.XXXXXX")"\nexec "${realBinary}" "$@"\n`,
  );
  await chmod(binary, 0o755);
  // Sandboxed children run as another user, each in a PID namespace of its own (so $$ repeats): mktemp names.
  await chmod(dir, 0o1777);
  return {
    binary,
    /** The environment of every call so far, as name → value maps. */
    async calls(): Promise<Array<Record<string, string>>> {
      const files = (await readdir(dir)).filter(f => f.startsWith('env.'));
      return Promise.all(
        files.map(async f =>
          Object.fromEntries(
            (await readFile(join(dir, f), 'utf8'))
              .split('\0')
              .filter(Boolean)
              .map(kv => [
                kv.slice(0, kv.indexOf('=')),
                kv.slice(kv.indexOf('=') + 1),
              ]),
          ),
        ),
      );
    },
  };
}
