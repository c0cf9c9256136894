import type { Config } from '@backstage/config';

/**
 * How `terraform` runs, apart from the backend: in a PID and mount namespace of its own (`unshare --pid
 * --mount-proc`), so that `/proc` shows only its own processes and no other process's environment
 * (`/proc/<backend pid>/environ`) can be read, and, when the backend runs as root, as an unprivileged user
 * (`setpriv`; `nobody`, 65534, unless `collate.terraform.sandbox.runAsUser` says otherwise). A backend that is not
 * root enters a user namespace first (`--user --map-root-user`), which needs unprivileged user namespaces.
 * `collate.terraform.sandbox.enabled: false` turns it off; the README says what that exposes.
 */
export interface TerraformSandbox {
  enabled: boolean;
  /** The uid and gid the child runs as (only when the backend is root). */
  runAs?: { uid: number; gid: number };
}

/** `nobody` on Debian, Ubuntu, RHEL and Alpine. */
const NOBODY = 65534;

export function readSandbox(
  config: Config,
  uid: number | undefined = process.getuid?.(),
): TerraformSandbox {
  const enabled =
    config.getOptionalBoolean('collate.terraform.sandbox.enabled') ?? true;
  if (!enabled || uid !== 0) return { enabled };
  const user =
    config.getOptionalNumber('collate.terraform.sandbox.runAsUser') ?? NOBODY;
  const group =
    config.getOptionalNumber('collate.terraform.sandbox.runAsGroup') ?? user;
  if (user === 0)
    throw new Error(
      'collate.terraform.sandbox.runAsUser must not be 0: Terraform would run as root on the backend host',
    );
  return { enabled, runAs: { uid: user, gid: group } };
}

/** The command line that runs `binary args` in the sandbox. */
export function sandboxed(
  sandbox: TerraformSandbox,
  binary: string,
  args: string[],
  rootNow: boolean = process.getuid?.() === 0,
): { command: string; args: string[] } {
  if (!sandbox.enabled) return { command: binary, args };
  const privileges = sandbox.runAs
    ? [
        'setpriv',
        `--reuid=${sandbox.runAs.uid}`,
        `--regid=${sandbox.runAs.gid}`,
        '--clear-groups',
        '--',
      ]
    : [];
  return {
    command: 'unshare',
    args: [
      ...(rootNow ? [] : ['--user', '--map-root-user']),
      '--pid',
      '--fork',
      '--mount-proc',
      '--kill-child',
      '--',
      ...privileges,
      binary,
      ...args,
    ],
  };
}
