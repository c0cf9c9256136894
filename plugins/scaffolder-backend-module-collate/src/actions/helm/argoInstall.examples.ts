import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Argo Workflows on AKS (guide 000) with the Postgres workflow archive',
    example: yaml.stringify({
      steps: [
        {
          id: 'argo',
          action: 'collate:argo:install',
          name: 'Install Argo Workflows',
          input: {
            cluster: 'aks-prod',
            cloud: 'azure',
            azure: {
              controllerClientId:
                '${{ steps["argo-controller-identity"].output.clientId }}',
              serverClientId:
                '${{ steps["argo-server-identity"].output.clientId }}',
              storageEndpoint: '${{ steps.storage.output.blobEndpoint }}',
              container: 'argo-workflows',
            },
            persistence: {
              host: 'collate-db.postgres.database.azure.com',
              database: 'argo',
              username: 'argo',
              password: '${{ secrets.argoDbPassword }}',
            },
          },
        },
      ],
    }),
  },
];
