import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { CollateOverviewCard } from './CollateOverviewCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'collate-argo', title: 'Argo Workflows', annotations },
  spec: { type: 'service', owner: 'platform', lifecycle: 'production' },
});

describe('CollateOverviewCard', () => {
  it('renders the Collate annotations of the entity', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entity({
          'collate.io/component': 'argo',
          'collate.io/kubernetes-cluster': 'aks-dev',
          'collate.io/argo-namespace': 'argo-workflows',
          'collate.io/argo-server-url':
            'http://argo-workflows-server.argo-workflows:2746',
        })}
      >
        <CollateOverviewCard />
      </EntityProvider>,
    );

    expect(screen.getByText('Collate deployment')).toBeInTheDocument();
    expect(screen.getByText('Argo Workflows')).toBeInTheDocument();
    expect(screen.getByText('aks-dev')).toBeInTheDocument();
    expect(screen.getByText('argo-workflows')).toBeInTheDocument();
    expect(
      screen.getByText('http://argo-workflows-server.argo-workflows:2746'),
    ).toBeInTheDocument();
    // Annotations the entity does not carry are not shown as empty rows.
    expect(screen.queryByText('Runner agent id')).not.toBeInTheDocument();
  });

  it('explains which annotation is missing', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity({})}>
        <CollateOverviewCard />
      </EntityProvider>,
    );

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/collate\.io\/component/).length,
    ).toBeGreaterThan(0);
  });
});
