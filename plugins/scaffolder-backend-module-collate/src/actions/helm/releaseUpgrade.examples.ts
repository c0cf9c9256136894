import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Collate 1.12.3 → 1.12.4: the openmetadata chart and the Collate image move together, the values stay',
    example: yaml.stringify({
      steps: [
        {
          id: 'upgrade',
          action: 'collate:upgrade',
          name: 'Upgrade Collate',
          input: {
            cluster: 'aks-prod',
            namespace: 'collate',
            release: 'openmetadata',
            chart: 'openmetadata',
            repo: 'https://helm.open-metadata.org',
            version: '1.12.4',
            imageTag: 'om-1.12.4-cl-1.12.4',
          },
        },
      ],
    }),
  },
];
