import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Decommission: the openmetadata release collate-prod installed',
    example: yaml.stringify({
      steps: [
        {
          id: 'uninstall-collate',
          action: 'collate:helm:uninstall',
          name: 'Uninstall Collate',
          input: {
            cluster: 'aks-prod',
            namespace: 'collate',
            release: 'openmetadata',
            deployment: 'collate-prod',
          },
        },
      ],
    }),
  },
];
