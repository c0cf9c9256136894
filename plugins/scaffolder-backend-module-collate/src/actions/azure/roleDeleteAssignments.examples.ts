import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Decommission: the storage roles collate-prod granted, and every grant of the identities it created in collate-rg',
    example: yaml.stringify({
      steps: [
        {
          id: 'role-assignments',
          action: 'collate:azure:role:delete-assignments',
          name: 'Delete the role assignments',
          input: {
            deployment: 'collate-prod',
            resourceGroup: 'collate-rg',
          },
        },
      ],
    }),
  },
];
