import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Record the chart version an upgrade moved the server to',
    example: [
      'steps:',
      '  - id: annotate',
      '    action: collate:catalog:annotate',
      '    input:',
      '      name: collate-prod',
      '      annotations:',
      "        collate.io/server-chart-version: '1.12.4'",
    ].join('\n'),
  },
];
