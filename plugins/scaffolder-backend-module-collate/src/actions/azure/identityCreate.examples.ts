import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The four managed identities of guide 000: Collate server, Collate ingestion, Argo server, Argo controller',
    example: yaml.stringify({
      steps: [
        ['server-identity', 'collate-application'],
        ['ingestion-identity', 'collate-ingestion'],
        ['argo-server-identity', 'argo-workflows-server'],
        ['argo-controller-identity', 'argo-workflows-controller'],
      ].map(([id, name]) => ({
        id,
        action: 'collate:azure:identity:create',
        name: `Create the ${name} identity`,
        input: { resourceGroup: 'collate-rg', name, location: 'westeurope' },
      })),
    }),
  },
];
