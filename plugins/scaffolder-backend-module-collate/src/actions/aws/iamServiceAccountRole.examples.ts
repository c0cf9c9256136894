import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "The Argo controller's IRSA role (guide 001)",
    example: yaml.stringify({
      steps: [
        {
          id: 'argo-controller-role',
          action: 'collate:aws:iam:service-account-role',
          name: 'collate-argo-controller-role',
          input: {
            roleName: 'collate-argo-controller-role',
            oidcProviderArn: '${{ steps.oidc.output.providerArn }}',
            namespace: 'argo-workflows',
            serviceAccount: 'argo-workflows-controller-sa',
            policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
          },
        },
      ],
    }),
  },
];
