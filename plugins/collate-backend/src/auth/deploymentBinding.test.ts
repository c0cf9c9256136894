import { resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { DeploymentBinding } from './deploymentBinding';

const entity = (kind: string, origin?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name: 'collate-prod',
    annotations: {
      ...(origin ? { 'backstage.io/managed-by-origin-location': origin } : {}),
      'collate.io/component': 'server',
    },
  },
});

describe('DeploymentBinding', () => {
  const binding = DeploymentBinding.fromConfig(
    new ConfigReader({
      collate: {
        adoptedLocations: [
          { type: 'file', target: '../../catalog-info.yaml' },
          { type: 'url', target: 'https://git.example/platform/collate.yaml' },
        ],
      },
    }),
  );

  it('acts on what the Collate actions registered: Systems, Components and Resources of a deployment', () => {
    for (const kind of ['System', 'Component', 'Resource'])
      expect(
        binding.refusal(entity(kind, 'collate-deployment:collate-prod')),
      ).toBeUndefined();
    // A Location registered by hand with that type is not a deployment's entity.
    expect(
      binding.refusal(entity('Location', 'collate-deployment:collate-prod')),
    ).toMatch(/was not registered by the Collate actions/);
    expect(
      binding.refusal(entity('System', 'collate-deployment:')),
    ).toBeDefined();
  });

  it('acts on entities of adopted locations, a file resolved as the catalog resolves it', () => {
    expect(
      binding.refusal(
        entity('System', `file:${resolve('../../catalog-info.yaml')}`),
      ),
    ).toBeUndefined();
    expect(
      binding.refusal(
        entity('Component', 'url:https://git.example/platform/collate.yaml'),
      ),
    ).toBeUndefined();
  });

  it('refuses anything else, saying how to register or adopt it', () => {
    for (const origin of [
      undefined,
      'url:https://git.example/team-b/catalog-info.yaml',
      'file:/elsewhere/catalog-info.yaml',
    ])
      expect(binding.refusal(entity('System', origin))).toBe(
        `system:default/collate-prod was not registered by the Collate actions, and its location (${
          origin ?? 'unknown'
        }) is not adopted: its collate.io annotations cannot point the backend at a cluster or server. Ask a deployer to register the deployment with the collate-existing-deployment template, or the portal's operators to adopt its location under collate.adoptedLocations.`,
      );
  });
});
