import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The Hybrid Ingestion Runner on AKS with Azure Key Vault secrets (guide 002)',
    example: yaml.stringify({
      steps: [
        {
          id: 'runner',
          action: 'collate:runner:register',
          name: 'Install and register the Hybrid Runner',
          input: {
            cluster: 'aks-prod',
            repo: 'https://charts.example.invalid/collate',
            agentId: 'acme-aks-runner',
            serverHost: 'https://acme.getcollate.io',
            authToken: '${{ secrets.ingestionBotToken }}',
            secretsManager: 'azure-kv',
            azureKeyVault: {
              vaultName: 'acme-collate-kv',
              clientId: '${{ steps["ingestion-identity"].output.clientId }}',
            },
          },
        },
      ],
    }),
  },
];
