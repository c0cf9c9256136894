import type { Entity } from '@backstage/catalog-model';
import type { CollateServerStatus } from '@collate-backstage/plugin-collate-common';
import * as fx from '../__testUtils__/statusFixtures';

describe('gradeRelease', () => {
  it('shows each release against what it was created with and the guides, and warns of drift, stuck releases and expiring pull secrets', async () => {
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    const { impl } = fx.sources({
      deployments: async (_c, _ns, selector) =>
        selector.includes('openmetadata')
          ? [
              {
                ...fx.deployment('openmetadata', {
                  'helm.sh/chart': 'openmetadata-1.12.4',
                  'app.kubernetes.io/version': '1.12.4',
                }),
                image:
                  'docker.getcollate.io/openmetadata/server:om-1.12.4-cl-1.12.4',
              },
            ]
          : [],
      helmRelease: async () => ({ revision: 3, status: 'pending-upgrade' }),
      pullSecrets: async () => [
        { name: 'ecr-registry-creds', expiresAt: soon },
      ],
    });
    const annotated: Entity = {
      ...fx.entity,
      metadata: {
        ...fx.entity.metadata,
        annotations: {
          ...fx.entity.metadata.annotations,
          'collate.io/server-chart-version': '1.12.3',
        },
      },
    };
    const [server] = (await fx
      .service(impl)
      .status(annotated, ['server'])) as CollateServerStatus[];
    expect(server.release).toEqual({
      release: 'openmetadata',
      namespace: 'collate',
      chart: 'openmetadata',
      chartVersion: '1.12.4',
      appVersion: '1.12.4',
      helmStatus: 'pending-upgrade',
      revision: 3,
      createdWith: '1.12.3',
      guidePin: '1.12.3',
      helmHealth: 'degraded',
      chartHealth: 'degraded',
    });
    expect(server.imageVersion).toBe('1.12.4');
    expect(server.pullSecrets).toEqual([
      {
        name: 'ecr-registry-creds',
        namespace: 'collate',
        expiresAt: soon,
        health: 'degraded',
      },
    ]);
    expect(server.health).toBe('degraded');
    for (const said of [
      'Helm release openmetadata is pending-upgrade at revision 3',
      'Chart openmetadata 1.12.4 installed; the deployment was created with 1.12.3',
      // The source's server says 1.12.3 while the image is 1.12.4.
      "Collate reports version 1.12.3, but the server's image is 1.12.4",
      'Pull secret ecr-registry-creds expires in 30 min',
    ])
      expect(server.reason).toContain(said);
  });

  it.each(['server', 'argo', 'runner'] as const)(
    "reads what does not depend on the %s's Deployments (Helm state, pull secrets) in the same round as them",
    async component => {
      // The Deployments answer only once everything else of the first round has been asked for, or after 200 ms.
      const asked: string[] = [];
      let answerDeployments: () => void = () => undefined;
      const deploymentsMayAnswer = new Promise<void>(resolve => {
        answerDeployments = resolve;
        setTimeout(resolve, 200);
      });
      const askedBeforeDeployments: string[] = [];
      const { impl } = fx.sources();
      const sources = {
        ...impl,
        deployments: async (...args: Parameters<typeof impl.deployments>) => {
          await deploymentsMayAnswer;
          askedBeforeDeployments.push(...asked);
          return impl.deployments(...args);
        },
        helmRelease: async (...args: Parameters<typeof impl.helmRelease>) => {
          asked.push(`helm ${args[1]}`);
          if (component !== 'runner') answerDeployments();
          return impl.helmRelease(...args);
        },
        pullSecrets: async (...args: Parameters<typeof impl.pullSecrets>) => {
          asked.push(`pull secrets ${args[1]}`);
          if (component === 'runner') answerDeployments();
          return impl.pullSecrets(...args);
        },
      };
      await fx.service(sources).status(fx.entity, [component]);
      const expected = {
        server: ['helm collate', 'pull secrets collate'],
        argo: ['helm argo-workflows'],
        // The runner's release is named by its Deployment: only its pull secrets can go first.
        runner: ['pull secrets runner'],
      }[component];
      expect(askedBeforeDeployments.sort()).toEqual(expected);
    },
  );
});
