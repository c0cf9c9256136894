import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Decommission: the managed identities collate-prod created in collate-rg, with their federated credentials',
    example: yaml.stringify({
      steps: [
        {
          id: 'identities',
          action: 'collate:azure:identity:delete',
          name: 'Delete the managed identities',
          input: {
            deployment: 'collate-prod',
            resourceGroup: 'collate-rg',
          },
        },
      ],
    }),
  },
];
