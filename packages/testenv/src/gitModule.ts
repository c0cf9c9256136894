import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Terraform module source served by git, as `collate.terraform.allowedSources` takes them: the files of `dir`
 * committed to a fresh repository, addressed as `git::file://<repo>?ref=<commit>`. OpenTofu fetches it with git
 * (`init -from-module`), as it would a pinned GitHub commit. Run as root, the repository belongs to `nobody`, the
 * user the action's sandbox runs OpenTofu as (git refuses a repository another user owns).
 */
export async function gitModuleSource(dir: string): Promise<string> {
  const repo = await mkdtemp(join(tmpdir(), 'collate-tf-module-'));
  await cp(dir, repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: repo,
        GIT_AUTHOR_NAME: 'testenv',
        GIT_AUTHOR_EMAIL: 'testenv@localhost',
        GIT_COMMITTER_NAME: 'testenv',
        GIT_COMMITTER_EMAIL: 'testenv@localhost',
      },
    }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'module');
  const commit = git('rev-parse', 'HEAD');
  execFileSync('chmod', ['-R', 'a+rX', repo]);
  await chmod(repo, 0o755);
  if (process.getuid?.() === 0)
    execFileSync('chown', ['-R', '65534:65534', repo]);
  return `git::file://${repo}?ref=${commit}`;
}
