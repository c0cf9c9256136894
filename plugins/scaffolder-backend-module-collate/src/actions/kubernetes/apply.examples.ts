import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Apply the Argo namespace and its database credentials secret from objects',
    example: yaml.stringify({
      steps: [
        {
          id: 'argo-namespace',
          action: 'collate:kubernetes:apply',
          name: 'Create the Argo Workflows namespace',
          input: {
            cluster: 'aks-prod',
            manifests: [
              {
                apiVersion: 'v1',
                kind: 'Namespace',
                metadata: { name: 'argo-workflows' },
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Apply YAML documents in order: a namespace, then a ConfigMap into it',
    example: yaml.stringify({
      steps: [
        {
          id: 'config',
          action: 'collate:kubernetes:apply',
          name: 'Apply a ConfigMap',
          input: {
            cluster: 'aks-prod',
            namespace: 'collate',
            yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: collate\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: collate-settings\ndata:\n  region: westeurope\n',
          },
        },
      ],
    }),
  },
];
