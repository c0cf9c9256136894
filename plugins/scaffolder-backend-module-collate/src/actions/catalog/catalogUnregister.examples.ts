import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Remove a decommissioned deployment from the catalog',
    example: [
      'steps:',
      '  - id: unregister',
      '    action: collate:catalog:unregister',
      '    input:',
      '      name: collate-prod',
    ].join('\n'),
  },
];
