import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Decommission: collate-prod's Argo artifact bucket, only if it is empty",
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-bucket',
          action: 'collate:aws:s3:delete-bucket',
          name: 'Delete the artifact bucket',
          input: { deployment: 'collate-prod' },
        },
      ],
    }),
  },
];
