import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Storage Blob Data Reader on the artifact container for the Argo server identity (guide 000)',
    example: yaml.stringify({
      steps: [
        {
          id: 'argo-server-reader',
          action: 'azure:role:assign',
          name: 'Grant Storage Blob Data Reader',
          input: {
            scope: '${{ steps.storage.output.containerId }}',
            principalId:
              '${{ steps["argo-server-identity"].output.principalId }}',
            role: 'Storage Blob Data Reader',
          },
        },
      ],
    }),
  },
];
