import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "The pull secret for Collate's images (guides 000/001), renewed by the backend",
    example: yaml.stringify({
      steps: [
        {
          id: 'ecr',
          action: 'collate:aws:ecr:pull-secret',
          name: 'ECR pull secret',
          input: { cluster: 'eks-prod', namespace: 'collate' },
        },
      ],
    }),
  },
];
