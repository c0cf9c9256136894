import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Prepare the collate namespace on AKS (guide 000): om-role annotated for the ingestion identity',
    example: yaml.stringify({
      steps: [
        {
          id: 'prepare',
          action: 'collate:kubernetes:prepare',
          name: 'Prepare the Collate namespace',
          input: {
            cluster: 'aks-prod',
            cloud: 'azure',
            azureClientId: '${{ steps["ingestion-identity"].output.clientId }}',
            databasePassword: '${{ secrets.databasePassword }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Prepare the collate namespace on EKS (guide 001): om-role annotated with the IRSA role',
    example: yaml.stringify({
      steps: [
        {
          id: 'prepare',
          action: 'collate:kubernetes:prepare',
          name: 'Prepare the Collate namespace',
          input: {
            cluster: 'eks-prod',
            cloud: 'aws',
            awsRoleArn: 'arn:aws:iam::123456789012:role/collate-ingestion-role',
            databasePassword: '${{ secrets.databasePassword }}',
            searchPassword: '${{ secrets.searchPassword }}',
          },
        },
      ],
    }),
  },
];
