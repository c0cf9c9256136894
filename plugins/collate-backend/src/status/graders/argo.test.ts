import * as fx from '../__testUtils__/statusFixtures';

describe('gradeArgo', () => {
  it('shows the server and the controller with their release, version, workflow counts and UI link', async () => {
    const { impl } = fx.sources();
    const [argo] = await fx.statusOf(impl, ['argo']);
    expect(argo).toMatchObject({
      component: 'argo',
      health: 'healthy',
      namespace: 'argo-workflows',
      server: { name: 'argo-workflows-server', ready: 1, desired: 1 },
      controller: { name: 'argo-workflows-workflow-controller', ready: 1 },
      serverVersion: 'v3.7.1',
      workflowsByPhase: { Succeeded: 3 },
      uiUrl: 'http://argo:2746',
      release: { release: 'argo-workflows', helmStatus: 'deployed' },
    });
  });

  it('is unhealthy without a workflow controller, and says which annotations show the Deployments', async () => {
    const { impl } = fx.sources({
      deployments: async () => [
        {
          name: 'argo-workflows-server',
          namespace: 'argo-workflows',
          ready: 1,
          desired: 1,
          labels: { 'app.kubernetes.io/component': 'server' },
          env: {},
          initContainers: [],
        },
      ],
    });
    const [argo] = await fx.statusOf(impl, ['argo']);
    expect(argo).toMatchObject({
      health: 'unhealthy',
      reason:
        'No workflow controller Deployment of release argo-workflows in namespace argo-workflows',
    });
    const { 'collate.io/argo-namespace': _, ...annotations } =
      fx.entity.metadata.annotations!;
    const [unannotated] = await fx
      .service(fx.sources().impl)
      .status({ metadata: { annotations } }, ['argo']);
    expect(unannotated).toMatchObject({
      health: 'unknown',
      reason:
        "Add collate.io/kubernetes-cluster and collate.io/argo-namespace to see Argo's Deployments",
    });
  });
});
