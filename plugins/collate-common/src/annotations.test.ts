import {
  COLLATE_ANNOTATIONS,
  collateAnnotationsFor,
  collateComponentsOf,
  isCollateComponentKind,
  isCollateEntity,
  readCollateAnnotations,
  readIngestionLocations,
  COLLATE_MAX_INGESTION_LOCATIONS,
} from './annotations';
import { collateStatusReadPermission } from './permissions';

const entity = (annotations: Record<string, string>) => ({
  metadata: { annotations },
});

describe('annotations', () => {
  it('uses one prefix and unique names', () => {
    const names = Object.values(COLLATE_ANNOTATIONS);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^collate\.io\/[a-z0-9-]+$/);
    }
  });

  it('reads set annotations and leaves out blank ones', () => {
    expect(
      readCollateAnnotations(
        entity({
          'collate.io/component': 'argo',
          'collate.io/kubernetes-cluster': 'aks-dev',
          'collate.io/argo-namespace': '  ',
          'other.io/x': 'y',
        }),
      ),
    ).toEqual({ component: 'argo', cluster: 'aks-dev' });
    expect(readCollateAnnotations({ metadata: {} })).toEqual({});
  });

  it('recognises Collate entities', () => {
    expect(
      isCollateEntity(
        entity({
          'collate.io/component': 'server',
          'collate.io/server-url': 'http://openmetadata.collate:8585',
        }),
      ),
    ).toBe(true);
    expect(
      isCollateEntity(
        entity({
          'collate.io/component': 'frontend',
          'collate.io/kubernetes-cluster': 'aks-dev',
        }),
      ),
    ).toBe(false);
    expect(isCollateEntity(entity({ 'collate.io/component': 'argo' }))).toBe(
      false,
    );
  });

  it('knows the component kinds', () => {
    expect(isCollateComponentKind('runner')).toBe(true);
    expect(isCollateComponentKind('RUNNER')).toBe(false);
    expect(isCollateComponentKind(undefined)).toBe(false);
  });
});

describe('collateComponentsOf', () => {
  const system = {
    kind: 'System',
    metadata: {
      annotations: {
        'collate.io/component': 'server',
        'collate.io/kubernetes-cluster': 'prod',
        'collate.io/namespace': 'collate',
        'collate.io/server-url': 'https://collate.example.com',
        'collate.io/argo-namespace': 'argo-workflows',
      },
    },
  };

  it('gives a System every component its annotations describe', () => {
    expect(collateComponentsOf(system)).toEqual([
      'server',
      'argo',
      'database',
      'search',
      'ingestion',
    ]);
    expect(
      collateComponentsOf({
        ...system,
        metadata: {
          annotations: {
            ...system.metadata.annotations,
            'collate.io/runner-agent-id': 'a1',
          },
        },
      }),
    ).toContain('runner');
  });

  it('gives any other entity the component it names, when it can be reported', () => {
    expect(collateComponentsOf({ ...system, kind: 'Component' })).toEqual([
      'server',
    ]);
    expect(
      collateComponentsOf(
        entity({
          'collate.io/component': 'runner',
          'collate.io/server-url': 'https://collate.example.com',
        }),
      ),
    ).toEqual([]);
    expect(collateComponentsOf(entity({}))).toEqual([]);
  });
});

describe('permissions', () => {
  it('defines a resource read permission on catalog entities', () => {
    expect(collateStatusReadPermission).toMatchObject({
      type: 'resource',
      name: 'collate.status.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
  });
});

describe('readIngestionLocations', () => {
  it('puts the entity’s own location first, then each listed one, without duplicates', () => {
    expect(
      readIngestionLocations(
        entity({
          'collate.io/kubernetes-cluster': 'aks-prod',
          'collate.io/namespace': 'collate',
          'collate.io/argo-server-url':
            'http://argo-workflows-server.argo:2746',
          'collate.io/ingestion-locations':
            'eks-runner/ingestion=http://argo-workflows-server.argo-runner:2746, aks-prod/collate\n onprem/etl',
        }),
      ),
    ).toEqual({
      locations: [
        {
          cluster: 'aks-prod',
          namespace: 'collate',
          argoServerUrl: 'http://argo-workflows-server.argo:2746',
        },
        {
          cluster: 'eks-runner',
          namespace: 'ingestion',
          argoServerUrl: 'http://argo-workflows-server.argo-runner:2746',
        },
        { cluster: 'onprem', namespace: 'etl' },
      ],
      invalid: [],
      overLimit: [],
    });
  });

  it('reports entries that are not cluster/namespace[=url]', () => {
    expect(
      readIngestionLocations(
        entity({ 'collate.io/ingestion-locations': 'just-a-name a/B_C ok/ns' }),
      ),
    ).toEqual({
      locations: [{ cluster: 'ok', namespace: 'ns' }],
      invalid: ['just-a-name', 'a/B_C'],
      overLimit: [],
    });
  });

  it('takes a namespace only as a DNS label, and follows at most COLLATE_MAX_INGESTION_LOCATIONS places', () => {
    expect(
      readIngestionLocations(
        entity({
          'collate.io/kubernetes-cluster': 'local',
          'collate.io/namespace': '../kube-system',
        }),
      ),
    ).toEqual({
      locations: [],
      invalid: ['local/../kube-system'],
      overLimit: [],
    });
    const many = Array.from({ length: 40 }, (_, i) => `local/ns-${i}`);
    const read = readIngestionLocations(
      entity({ 'collate.io/ingestion-locations': many.join(',') }),
    );
    expect(COLLATE_MAX_INGESTION_LOCATIONS).toBe(20);
    expect(read.locations).toHaveLength(20);
    expect(read.overLimit).toEqual(many.slice(20));
  });
});

describe('the requirements of each component', () => {
  it('lists every annotation that can describe a component, for the card that says what to add', () => {
    expect(collateAnnotationsFor('server')).toEqual([
      'collate.io/server-url',
      'collate.io/kubernetes-cluster',
      'collate.io/server-release',
    ]);
    expect(collateAnnotationsFor('runner')).toEqual([
      'collate.io/runner-agent-id',
    ]);
  });

  it('shows a component once any one alternative is complete, and not from half of one', () => {
    const argoEntity = (annotations: Record<string, string>) => ({
      kind: 'Component',
      metadata: {
        name: 'x',
        annotations: { 'collate.io/component': 'argo', ...annotations },
      },
    });
    expect(
      collateComponentsOf(
        argoEntity({
          'collate.io/kubernetes-cluster': 'local',
          'collate.io/argo-namespace': 'argo',
        }),
      ),
    ).toEqual(['argo']);
    expect(
      collateComponentsOf(
        argoEntity({ 'collate.io/kubernetes-cluster': 'local' }),
      ),
    ).toEqual([]);
    expect(
      collateComponentsOf(
        argoEntity({ 'collate.io/argo-server-url': 'http://argo:2746' }),
      ),
    ).toEqual(['argo']);
  });
});
