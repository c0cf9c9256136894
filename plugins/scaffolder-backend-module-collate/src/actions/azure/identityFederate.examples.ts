import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Trust the Argo server's service account (guide 000)",
    example: yaml.stringify({
      steps: [
        {
          id: 'argo-server-federation',
          action: 'azure:identity:federate',
          name: 'Federate argo-workflows-server',
          input: {
            resourceGroup: 'collate-rg',
            identityName: 'argo-workflows-server',
            name: 'argo-workflows-server',
            issuer: '${{ steps.aks.output.issuerUrl }}',
            namespace: 'argo-workflows',
            serviceAccount: 'argo-workflows-server-sa',
          },
        },
      ],
    }),
  },
];
