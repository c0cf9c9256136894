import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The Metaflow-on-Azure stack (guide 004): infra, then services, state in Azure Blob Storage; returns the config.json the services module writes',
    example: yaml.stringify({
      steps: [
        {
          id: 'metaflow',
          action: 'collate:terraform:apply',
          name: 'Apply the Metaflow Terraform',
          input: {
            source: 'metaflow-tools-azure',
            // The Metaflow client's configuration, written by the services module.
            files: ['config.json'],
            variables: {
              org_prefix: 'acme',
              deploy_argo: true,
              deploy_airflow: false,
            },
            backend: {
              type: 'azurerm',
              config: {
                resource_group_name: 'rg-tfstate',
                storage_account_name: 'acmetfstate',
                container_name: 'tfstate',
                key: 'metaflow.tfstate',
              },
            },
          },
        },
      ],
    }),
  },
];
