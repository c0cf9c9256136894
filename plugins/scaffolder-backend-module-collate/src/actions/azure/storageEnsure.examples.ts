import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'The Argo artifact storage of guide 000',
    example: yaml.stringify({
      steps: [
        {
          id: 'storage',
          action: 'collate:azure:storage:ensure',
          name: 'Storage account and container for Argo artifacts',
          input: {
            resourceGroup: 'collate-rg',
            accountName: 'collate',
            location: 'westeurope',
            containerName: 'argo-workflows',
          },
        },
      ],
    }),
  },
];
