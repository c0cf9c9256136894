import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Trust Collate ingestion's service account om-role (guide 000, whose credential is named collate-application)",
    example: yaml.stringify({
      steps: [
        {
          id: 'ingestion-federation',
          action: 'collate:azure:identity:federate',
          name: 'Federate collate-ingestion',
          input: {
            resourceGroup: 'collate-rg',
            identityName: 'collate-ingestion',
            name: 'collate-application',
            issuer: '${{ steps.aks.output.issuerUrl }}',
            namespace: 'collate',
            serviceAccount: 'om-role',
          },
        },
      ],
    }),
  },
];
