import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Decommission: the EKS cluster's IAM OIDC provider collate-prod created, once no role trusts it",
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-oidc-provider',
          action: 'collate:aws:eks:delete-oidc-provider',
          name: 'Delete the IAM OIDC provider',
          input: { deployment: 'collate-prod' },
        },
      ],
    }),
  },
];
