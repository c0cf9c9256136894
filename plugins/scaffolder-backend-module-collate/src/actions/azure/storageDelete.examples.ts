import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Decommission: collate-prod's artifact storage in collate-rg, only if no blob is left in it",
    example: yaml.stringify({
      steps: [
        {
          id: 'storage',
          action: 'collate:azure:storage:delete',
          name: 'Delete the artifact storage',
          input: { deployment: 'collate-prod', resourceGroup: 'collate-rg' },
        },
      ],
    }),
  },
];
