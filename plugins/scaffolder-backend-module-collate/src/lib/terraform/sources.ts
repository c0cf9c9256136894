import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** One module source the portal's operators allow (`collate.terraform.allowedSources`). */
export interface AllowedTerraformSource {
  /** What a template or the scaffolder API names it by. */
  name: string;
  /** A Terraform module source address, pinned: `git::<url>[//<dir>]?ref=<40-hex commit>`. */
  source: string;
  description?: string;
}

/** A git module source whose `ref` is a full commit id: a tag or a branch can move under the portal. */
const PINNED_GIT = /^git::[^?\s]+\?(?:[^\s]*&)?ref=[0-9a-f]{40}(?:&[^\s]*)?$/;

/**
 * The module sources `collate:terraform:apply` may run: only these, by name, never a URL from the form or the API.
 * Each must be pinned to a commit, so what runs is what the operators reviewed; a source that is not is a
 * configuration error at startup.
 */
export function readAllowedSources(
  config: Config,
): Map<string, AllowedTerraformSource> {
  const sources = new Map<string, AllowedTerraformSource>();
  for (const entry of config.getOptionalConfigArray(
    'collate.terraform.allowedSources',
  ) ?? []) {
    const name = entry.getString('name');
    const source = entry.getString('source');
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
      throw new Error(
        `collate.terraform.allowedSources: '${name}' is not a name (lowercase letters, digits and dashes)`,
      );
    if (!PINNED_GIT.test(source))
      throw new Error(
        `collate.terraform.allowedSources.${name}: '${source}' is not pinned: use git::<url>[//<dir>]?ref=<40-hex commit id>, so that what runs is what was reviewed`,
      );
    if (sources.has(name))
      throw new Error(
        `collate.terraform.allowedSources: '${name}' is listed twice`,
      );
    const description = entry.getOptionalString('description');
    sources.set(name, {
      name,
      source,
      ...(description ? { description } : {}),
    });
  }
  return sources;
}

/** The allowed source a task names, or an InputError listing what the portal allows. */
export function allowedSource(
  sources: Map<string, AllowedTerraformSource>,
  name: string,
): AllowedTerraformSource {
  const found = sources.get(name);
  if (found) return found;
  const names = [...sources.keys()];
  throw new InputError(
    `Invalid input 'source': '${name}' is not a module source this portal allows (${
      names.length
        ? `one of: ${names.join(', ')}`
        : 'none is configured under collate.terraform.allowedSources'
    }). Ask the portal's operators to add it, pinned to a commit, under collate.terraform.allowedSources`,
  );
}
