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

  it("refuses a Metaflow stack's coordinates from an owner's own entity, as any other deployment's", () => {
    // Another team's System naming a namespace and a datastore host: the Metaflow card would read and probe them.
    const theirs: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: 'their-metaflow',
        annotations: {
          'backstage.io/managed-by-origin-location':
            'url:https://git.example/team-b/catalog-info.yaml',
          'collate.io/component': 'metaflow',
          'collate.io/kubernetes-cluster': 'local',
          'collate.io/metaflow-namespace': 'kube-system',
          'collate.io/metaflow-datastore':
            'https://victim.blob.core.windows.net/metaflow-storage-container',
        },
      },
    };
    expect(binding.refusal(theirs)).toMatch(
      /^system:default\/their-metaflow was not registered by the Collate actions/,
    );
    expect(
      binding.refusal({
        ...theirs,
        metadata: {
          ...theirs.metadata,
          annotations: {
            ...theirs.metadata.annotations,
            'backstage.io/managed-by-origin-location':
              'collate-deployment:their-metaflow',
          },
        },
      }),
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
