import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Register a deployment as a System with its server',
    example: [
      'steps:',
      '  - id: register',
      '    action: collate:catalog:register',
      '    input:',
      '      name: collate-prod',
      '      entities:',
      '        - apiVersion: backstage.io/v1alpha1',
      '          kind: System',
      '          metadata:',
      '            name: collate-prod',
      '            annotations: { collate.io/component: server }',
      '          spec: { owner: group:default/platform-team }',
    ].join('\n'),
  },
];
