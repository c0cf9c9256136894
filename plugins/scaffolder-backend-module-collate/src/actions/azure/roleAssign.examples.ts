import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Storage Blob Data Contributor on the artifact container for the ingestion identity (guide 000)',
    example: yaml.stringify({
      steps: [
        {
          id: 'ingestion-contributor',
          action: 'collate:azure:role:assign',
          name: 'Grant Storage Blob Data Contributor',
          input: {
            scope: '${{ steps.storage.output.containerId }}',
            principalId:
              '${{ steps["ingestion-identity"].output.principalId }}',
            role: 'Storage Blob Data Contributor',
          },
        },
      ],
    }),
  },
];
