import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkspaceFiles } from './workspaceFiles';

describe('readWorkspaceFiles', () => {
  let root: string;
  let dir: string;
  const redact = (text: string) => text.replaceAll('s3cr3t', '****');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'collate-files-'));
    dir = join(root, 'module');
    await mkdir(dir);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('returns the files the module wrote, a .json parsed, redacted; a missing one is left out', async () => {
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ METAFLOW_DEFAULT_METADATA: 'service', KEY: 's3cr3t' }),
    );
    await writeFile(join(dir, 'notes.txt'), 'plain s3cr3t text');
    expect(
      await readWorkspaceFiles(
        dir,
        ['config.json', 'notes.txt', 'missing.json'],
        redact,
      ),
    ).toEqual({
      'config.json': { METAFLOW_DEFAULT_METADATA: 'service', KEY: '****' },
      'notes.txt': 'plain **** text',
    });
  });

  it('never follows a link out of the module directory', async () => {
    await writeFile(join(root, 'outside'), 'the backend host file');
    await symlink(join(root, 'outside'), join(dir, 'config.json'));
    await expect(
      readWorkspaceFiles(dir, ['config.json'], redact),
    ).rejects.toThrow(
      "config.json is not a plain file of the module's directory; it is not read",
    );
  });

  it('refuses a file too large or a .json that is not JSON', async () => {
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(256 * 1024 + 1));
    await expect(readWorkspaceFiles(dir, ['big.txt'], redact)).rejects.toThrow(
      'big.txt is 262145 bytes, more than the 262144 this action returns',
    );
    await writeFile(join(dir, 'config.json'), '{ not json');
    await expect(
      readWorkspaceFiles(dir, ['config.json'], redact),
    ).rejects.toThrow(/^config\.json is not JSON: /);
  });
});
