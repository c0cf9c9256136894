import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { adminKubeConfig, testEnv } from '../env';
import { chartPath } from '../charts';

const run = promisify(execFile);

describe('helm with the fixture charts on the local control plane', () => {
  const namespace = `helm-${randomBytes(3).toString('hex')}`;
  const kc = adminKubeConfig();
  const helm = (...args: string[]) =>
    run(testEnv.helmBin(), [
      ...args,
      '--kubeconfig',
      testEnv.kubernetes().kubeconfigPath,
      '--namespace',
      namespace,
    ]);

  afterAll(async () => {
    await kc
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it('installs argo-workflows, KWOK makes it Ready, an upgrade and a rollback make new revisions', async () => {
    await helm(
      'upgrade',
      '--install',
      'argo-workflows',
      chartPath('argo-workflows'),
      '--create-namespace',
      '--wait',
      '--timeout',
      '60s',
      '--set',
      'controller.serviceAccount.name=argo-workflows-controller-sa',
      '--set',
      'server.serviceAccount.name=argo-workflows-server-sa',
    );
    const apps = kc.makeApiClient(AppsV1Api);
    for (const name of [
      'argo-workflows-server',
      'argo-workflows-workflow-controller',
    ]) {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      expect(d.status?.readyReplicas).toBe(1);
    }
    await helm(
      'upgrade',
      'argo-workflows',
      chartPath('argo-workflows'),
      '--wait',
      '--timeout',
      '60s',
      '--reuse-values',
      '--set',
      'server.replicas=2',
    );
    expect(
      (
        await apps.readNamespacedDeployment({
          name: 'argo-workflows-server',
          namespace,
        })
      ).spec?.replicas,
    ).toBe(2);
    await helm('rollback', 'argo-workflows', '1', '--wait', '--timeout', '60s');
    expect(
      (
        await apps.readNamespacedDeployment({
          name: 'argo-workflows-server',
          namespace,
        })
      ).spec?.replicas,
    ).toBe(1);
    const { stdout } = await helm('history', 'argo-workflows', '-o', 'json');
    expect(
      JSON.parse(stdout).map((r: { revision: number; status: string }) => [
        r.revision,
        r.status,
      ]),
    ).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
  });
});
