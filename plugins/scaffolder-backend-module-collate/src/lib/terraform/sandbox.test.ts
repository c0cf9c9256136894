import { ConfigReader } from '@backstage/config';
import { readSandbox, sandboxed } from './sandbox';

const config = (sandbox?: object) =>
  new ConfigReader({ collate: { terraform: { sandbox } } });

describe('the Terraform sandbox', () => {
  it('runs as nobody in its own PID namespace when the backend is root', () => {
    const sandbox = readSandbox(config(), 0);
    expect(sandbox).toEqual({
      enabled: true,
      runAs: { uid: 65534, gid: 65534 },
    });
    expect(sandboxed(sandbox, 'tofu', ['plan'], true)).toEqual({
      command: 'unshare',
      args: [
        '--pid',
        '--fork',
        '--mount-proc',
        '--kill-child',
        '--',
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--',
        'tofu',
        'plan',
      ],
    });
  });

  it('enters a user namespace first when the backend is not root, and keeps its user', () => {
    const sandbox = readSandbox(config(), 1000);
    expect(sandbox).toEqual({ enabled: true });
    expect(sandboxed(sandbox, 'tofu', ['plan'], false).args).toEqual([
      '--user',
      '--map-root-user',
      '--pid',
      '--fork',
      '--mount-proc',
      '--kill-child',
      '--',
      'tofu',
      'plan',
    ]);
  });

  it('takes the user to run as from config, never root, and can be turned off', () => {
    expect(readSandbox(config({ runAsUser: 1500 }), 0).runAs).toEqual({
      uid: 1500,
      gid: 1500,
    });
    expect(() => readSandbox(config({ runAsUser: 0 }), 0)).toThrow(
      /must not be 0/,
    );
    const off = readSandbox(config({ enabled: false }), 0);
    expect(sandboxed(off, 'tofu', ['plan'])).toEqual({
      command: 'tofu',
      args: ['plan'],
    });
  });
});
