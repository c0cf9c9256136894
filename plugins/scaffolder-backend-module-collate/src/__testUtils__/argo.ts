/** The least AWS input `renderArgoValues` takes, for tests about something else. */
export const AWS_MIN = {
  cloud: 'aws' as const,
  aws: {
    controllerRoleArn: 'a',
    serverRoleArn: 'b',
    bucket: 'c',
    region: 'eu-west-1',
  },
};

/**
 * An Argo Workflows controller Deployment as the argo-workflows chart labels it, running the controller image of
 * `tag`: what `collate:preflight` and `collate:upgrade` read an Argo's version from. KWOK runs its pod.
 */
export function argoControllerDeployment(tag: string) {
  return {
    metadata: {
      name: 'argo-workflows-workflow-controller',
      labels: { 'app.kubernetes.io/part-of': 'argo-workflows' },
    },
    spec: {
      selector: { matchLabels: { app: 'workflow-controller' } },
      template: {
        metadata: { labels: { app: 'workflow-controller' } },
        spec: {
          containers: [
            {
              name: 'controller',
              image: `quay.io/argoproj/workflow-controller:${tag}`,
            },
          ],
        },
      },
    },
  };
}
