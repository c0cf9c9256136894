import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The guides’ last step after an install or upgrade: rebuild the search indexes of the Collate just deployed',
    example: yaml.stringify({
      steps: [
        {
          id: 'reindex',
          action: 'collate:reindex',
          name: 'Reindex search',
          input: {
            serverUrl: '${{ steps.collate.output.serviceUrl }}',
            recreateIndex: false,
            unlessSucceededSince: '${{ steps.collate.output.deployedAt }}',
            waitSeconds: 1800,
            ifUnavailable: 'skip',
          },
        },
      ],
    }),
  },
  {
    description:
      'Recreate every index of a running Collate, failing if it cannot be reached',
    example: yaml.stringify({
      steps: [
        {
          id: 'reindex',
          action: 'collate:reindex',
          name: 'Recreate search indexes',
          input: {
            serverUrl: 'http://openmetadata.collate:8585',
            recreateIndex: true,
          },
        },
      ],
    }),
  },
];
