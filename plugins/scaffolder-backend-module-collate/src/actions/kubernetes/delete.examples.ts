import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Decommission: what collate-prod's actions created in its namespaces, then the namespaces if nothing else is there",
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-objects',
          action: 'collate:kubernetes:delete',
          name: 'Delete the Kubernetes objects',
          input: {
            cluster: 'aks-prod',
            namespaces: ['collate', 'argo-workflows'],
            deployment: 'collate-prod',
          },
        },
      ],
    }),
  },
];
