import type { Entity } from '@backstage/catalog-model';
import { NamespaceMarkers } from './namespaceMarker';

const where = { cluster: 'aks-1', namespace: 'collate' };

function component(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'team-a-ingestion',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-origin-location': 'collate-deployment:team-a',
        ...annotations,
      },
    },
    spec: { system: 'system:default/team-b' },
  };
}

function markers(labels: Record<string, string> | undefined | Error) {
  const asked: string[] = [];
  return {
    asked,
    markers: new NamespaceMarkers(
      {
        namespaceLabels: async (cluster, namespace) => {
          asked.push(`${cluster}/${namespace}`);
          if (labels instanceof Error) throw labels;
          return labels;
        },
      },
      1000,
    ),
  };
}

describe('NamespaceMarkers', () => {
  it('lets a write through to a namespace marked for the deployment the Collate actions registered the entity for', async () => {
    const { markers: m, asked } = markers({
      'collate.io/deployment': 'team-a',
    });
    await expect(m.assertMarked(component(), where)).resolves.toBeUndefined();
    expect(asked).toEqual(['aks-1/collate']);
  });

  it("refuses another deployment's namespace, naming the deployment that holds it", async () => {
    const { markers: m } = markers({ 'collate.io/deployment': 'team-b' });
    await expect(m.assertMarked(component(), where)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Refused: component:default/team-a-ingestion may only change what belongs to its deployment team-a, and namespace collate on cluster aks-1 belongs to deployment team-b (collate.io/deployment=team-b). A namespace is marked by the Collate actions that create it (collate:kubernetes:prepare); to adopt an existing one, ask a deployer to label it collate.io/deployment=team-a.',
    });
  });

  it('trusts the registration, not the spec.system or annotations the owner writes', async () => {
    // The entity claims System team-b and a collate.io/deployment annotation: the origin location still says team-a.
    const { markers: m } = markers({ 'collate.io/deployment': 'team-b' });
    await expect(
      m.assertMarked(component({ 'collate.io/deployment': 'team-b' }), where),
    ).rejects.toThrow(/its deployment team-a, .* belongs to deployment team-b/);
  });

  it('names the System of an entity read from an adopted location', async () => {
    const adopted = component({
      'backstage.io/managed-by-origin-location': 'file:/srv/catalog-info.yaml',
    });
    await expect(
      markers({ 'collate.io/deployment': 'team-b' }).markers.assertMarked(
        adopted,
        where,
      ),
    ).resolves.toBeUndefined();
  });

  it.each([
    [{}, 'carries no collate.io/deployment marker'],
    [undefined, 'does not exist'],
    [
      new Error('namespaces "collate" is forbidden'),
      'could not be checked for its marker (namespaces "collate" is forbidden)',
    ],
  ])('refuses a namespace whose labels are %p', async (labels, why) => {
    await expect(
      markers(labels).markers.assertMarked(component(), where),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        `namespace collate on cluster aks-1 ${why}.`,
      ),
    });
  });

  it('refuses an entity that names no deployment at all', async () => {
    const loose: Entity = {
      ...component({ 'backstage.io/managed-by-origin-location': 'url:x' }),
      spec: {},
    };
    const { markers: m, asked } = markers({});
    await expect(m.assertMarked(loose, where)).rejects.toThrow(
      'the entity names no deployment (no System) to check',
    );
    expect(asked).toEqual([]);
  });
});
