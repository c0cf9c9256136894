import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Read the OIDC issuer, enabling it and workload identity when off (guide 000 prerequisites)',
    example: yaml.stringify({
      steps: [
        {
          id: 'aks',
          action: 'collate:azure:aks:workload-identity',
          name: 'AKS OIDC issuer and workload identity',
          input: {
            resourceGroup: 'collate-rg',
            clusterName: 'collate-aks',
            enable: true,
          },
        },
      ],
    }),
  },
];
