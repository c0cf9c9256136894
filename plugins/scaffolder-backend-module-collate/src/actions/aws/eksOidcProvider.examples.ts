import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The OIDC provider for IRSA on an EKS cluster (guide 001 prerequisites)',
    example: yaml.stringify({
      steps: [
        {
          id: 'oidc',
          action: 'collate:aws:eks:oidc-provider',
          name: 'EKS OIDC provider',
          input: { clusterName: 'collate-eks', region: 'eu-west-1' },
        },
      ],
    }),
  },
];
