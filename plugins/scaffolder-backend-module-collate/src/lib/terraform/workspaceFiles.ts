import { lstat, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';

// Files a Terraform module writes into its own directory (metaflow-tools' config.json): which, and how they are read.

/** A file the module writes into its own directory: a relative path without `..`. */
export const WORKSPACE_FILE = /^(?!.*\.\.)[\w.-]+(\/[\w.-]+)*$/;
/** The largest file returned. */
const MAX_FILE_BYTES = 256 * 1024;
/**
 * Resources that only write a file into the module's directory. A scaffolder workspace is new on every run, so the
 * module writes them again each time (metaflow-tools' config.json): that rewrites nothing outside the workspace and
 * does not count as a change.
 */
export const WORKSPACE_FILE_TYPES = new Set([
  'local_file',
  'local_sensitive_file',
]);

/**
 * The files asked for that exist in the module's directory, with the run's secrets and sensitive outputs redacted,
 * a .json file parsed; a larger or unparsable one fails.
 */
export async function readWorkspaceFiles(
  dir: string,
  names: string[],
  redact: (text: string) => string,
): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  const root = await realpath(dir);
  for (const name of names) {
    const path = join(dir, name);
    // A plain file of the module's directory: never a link out of it (the backend reads it, not the module's user).
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    if (!info.isFile() || !(await realpath(path)).startsWith(`${root}/`))
      throw new Error(
        `${name} is not a plain file of the module's directory; it is not read`,
      );
    if (info.size > MAX_FILE_BYTES)
      throw new Error(
        `${name} is ${info.size} bytes, more than the ${MAX_FILE_BYTES} this action returns`,
      );
    const text = redact(await readFile(path, 'utf8'));
    try {
      found[name] = name.endsWith('.json') ? JSON.parse(text) : text;
    } catch (error) {
      throw new Error(`${name} is not JSON: ${(error as Error).message}`);
    }
  }
  return found;
}
