import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Collate on AKS (guide 000) with PostgreSQL and OpenSearch, Argo as pipeline service',
    example: yaml.stringify({
      steps: [
        {
          id: 'collate',
          action: 'collate:deploy',
          name: 'Deploy Collate',
          input: {
            cluster: 'aks-prod',
            cloud: 'azure',
            azure: {
              serverClientId: '${{ steps["server-identity"].output.clientId }}',
              storageAccountName: 'collate',
              container: 'argo-workflows',
            },
            search: {
              host: 'opensearch.collate',
              port: 9200,
              scheme: 'https',
              searchType: 'opensearch',
              username: 'collate',
            },
            database: {
              engine: 'postgresql',
              host: 'collate-db.postgres.database.azure.com',
              port: 5432,
              user: 'collate',
            },
            argoServerUrl: '${{ steps.argo.output.serverUrl }}',
          },
        },
      ],
    }),
  },
];
