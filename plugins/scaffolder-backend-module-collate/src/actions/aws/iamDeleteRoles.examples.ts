import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Decommission: the IAM roles the Collate on AWS EKS template created for collate-prod',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-roles',
          action: 'collate:aws:iam:delete-roles',
          name: 'Delete the IAM roles',
          input: { deployment: 'collate-prod' },
        },
      ],
    }),
  },
];
