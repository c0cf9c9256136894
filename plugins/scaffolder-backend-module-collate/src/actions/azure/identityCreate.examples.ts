import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'The managed identity for Collate ingestion (guide 000)',
    example: yaml.stringify({
      steps: [
        {
          id: 'ingestion-identity',
          action: 'azure:identity:create',
          name: 'Create the collate-ingestion identity',
          input: {
            resourceGroup: 'collate-rg',
            name: 'collate-ingestion',
            location: 'westeurope',
          },
        },
      ],
    }),
  },
];
