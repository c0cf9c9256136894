import type { Config } from '@backstage/config';

/** What every child process needs to run at all: where binaries are, a home and temp dir, locale, proxies, CAs. */
const BASE = [
  'PATH',
  'HOME',
  'USER',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LC_ALL',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

/**
 * What each tool reads beyond that. Helm gets its kubeconfig as a file and its homes from the action, so nothing
 * else. Terraform's providers and state backends authenticate from their documented variables: `ARM_*` (azurerm),
 * `AWS_*` (aws, s3 backend), `AZURE_*` (Azure SDK credentials), and read input variables from `TF_VAR_*`.
 */
const TOOLS = {
  helm: { names: [] as string[], prefixes: [] as string[] },
  terraform: {
    names: [] as string[],
    prefixes: ['ARM_', 'AWS_', 'AZURE_', 'TF_VAR_'],
  },
};

/**
 * The environment of a `helm` or `terraform` child process: an explicit allow-list of the backend's variables
 * (`BASE`, the tool's own, and `collate.<tool>.passEnv` from the configuration), never the whole environment, so
 * secrets the backend was started with (database passwords, tokens, client secrets of other integrations) stay in
 * the backend. `set` adds the action's own variables on top.
 */
export function childEnv(
  config: Config,
  tool: keyof typeof TOOLS,
  set: Record<string, string | undefined> = {},
  from: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const extra = config.getOptionalStringArray(`collate.${tool}.passEnv`) ?? [];
  const names = new Set([...BASE, ...TOOLS[tool].names, ...extra]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    if (
      names.has(name) ||
      TOOLS[tool].prefixes.some(prefix => name.startsWith(prefix))
    ) {
      env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(set)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
