import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'The Argo artifact bucket of guide 001',
    example: yaml.stringify({
      steps: [
        {
          id: 'bucket',
          action: 'collate:aws:s3:ensure-bucket',
          name: 'Argo artifact bucket',
          input: {
            bucket: 'collate-argo-artifacts-eu-west-1',
            region: 'eu-west-1',
          },
        },
      ],
    }),
  },
];
