import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Before deploying Collate on AKS: cluster, workload identity and the PostgreSQL database',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'collate:preflight',
          name: 'Preflight checks',
          input: {
            cluster: 'aks-prod',
            target: 'server',
            azure: { resourceGroup: 'collate-rg', clusterName: 'collate-aks' },
            database: {
              engine: 'postgresql',
              host: 'collate-db.postgres.database.azure.com',
              port: 5432,
              user: 'collate',
              password: '${{ secrets.databasePassword }}',
              ssl: true,
            },
          },
        },
      ],
    }),
  },
];
