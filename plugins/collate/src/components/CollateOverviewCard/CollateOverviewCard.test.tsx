import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { collateStatusApiRef, type CollateStatusApi } from '../../api';
import { demoStatuses, statusApi } from '../../testing/statusApi';
import { CollateOverviewCard } from './CollateOverviewCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'collate-argo', title: 'Argo Workflows', annotations },
  spec: { type: 'service', owner: 'platform', lifecycle: 'production' },
});

async function render(
  e: Entity,
  options: { fail?: Error; variant?: 'compact' | 'details' } = {},
) {
  const { api, calls } = statusApi(demoStatuses, { fail: options.fail });
  await renderInTestApp(
    <TestApiProvider apis={[[collateStatusApiRef, api]]}>
      <EntityProvider entity={e}>
        <CollateOverviewCard variant={options.variant} />
      </EntityProvider>
    </TestApiProvider>,
  );
  return calls;
}

describe('CollateOverviewCard', () => {
  const argo = entity({
    'collate.io/component': 'argo',
    'collate.io/kubernetes-cluster': 'aks-dev',
    'collate.io/argo-namespace': 'argo-workflows',
    'collate.io/argo-server-url':
      'http://argo-workflows-server.argo-workflows:2746',
  });

  it('on the Overview tab: health per component and a link to the Collate tab, nothing more', async () => {
    await render(argo);

    expect(
      await screen.findByText('Hybrid Ingestion Runner'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unhealthy')).toBeInTheDocument();
    expect(screen.getAllByText('Healthy')).toHaveLength(3);
    expect(
      screen.getByRole('link', { name: /Details on the Collate tab/ }),
    ).toHaveAttribute('href', expect.stringMatching(/collate$/));
    // No reasons and no annotations: those are on the Collate tab.
    expect(
      screen.queryByText('Runner demo-runner is not connected to Collate'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('aks-dev')).not.toBeInTheDocument();
  });

  it('on the Collate tab: every component’s health with its reason, and where it runs', async () => {
    await render(argo, { variant: 'details' });

    expect(
      await screen.findByText('Hybrid Ingestion Runner'),
    ).toBeInTheDocument();
    expect(screen.getByText('Collate deployment')).toBeInTheDocument();
    expect(
      screen.getByText('Runner demo-runner is not connected to Collate'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unhealthy')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(screen.getAllByText('Healthy')).toHaveLength(3);
    expect(screen.getByText('aks-dev')).toBeInTheDocument();
    expect(screen.getByText('argo-workflows')).toBeInTheDocument();
    expect(
      screen.getByText('http://argo-workflows-server.argo-workflows:2746'),
    ).toBeInTheDocument();
    // Annotations the entity does not carry are not shown as empty rows.
    expect(screen.queryByText('Runner agent id')).not.toBeInTheDocument();
  });

  it('on the Collate tab: each release with its versions, drift and Helm state, and the pull secrets', async () => {
    await render(argo, { variant: 'details' });
    expect(
      await screen.findByText('Releases and versions'),
    ).toBeInTheDocument();
    expect(screen.getByText('1.12.4')).toBeInTheDocument();
    expect(screen.getByText('created with 1.12.3')).toBeInTheDocument();
    expect(screen.getByText('guides pin 1.12.3')).toBeInTheDocument();
    expect(screen.getByText('pending-upgrade, rev. 3')).toBeInTheDocument();
    expect(
      screen.getByText('Pull secret collate/ecr-registry-creds'),
    ).toBeInTheDocument();
    expect(screen.getByText('token expires in 30 min')).toBeInTheDocument();
  });

  const renderOverview = (api: CollateStatusApi) =>
    renderInTestApp(
      <TestApiProvider apis={[[collateStatusApiRef, api]]}>
        <EntityProvider entity={argo}>
          <CollateOverviewCard />
        </EntityProvider>
      </TestApiProvider>,
    );

  /** A component the backend could not report because collate.servers lacks its server. */
  const notConfigured = (component: string, reason: string) => ({
    component,
    health: 'unknown',
    observedAt: '2026-11-22T08:00:00.000Z',
    reason,
    errors: [
      {
        source: 'collate',
        message:
          'http://openmetadata.collate:8585 is not configured under collate.servers in the backend',
        configKey: 'collate.servers',
      },
    ],
  });

  it('says an entity the backend does not act on is not a managed deployment, and how to register or adopt it', async () => {
    const message =
      "system:default/collate-argo was not registered by the Collate actions, and its location (url:https://git.example/catalog-info.yaml) is not adopted: its collate.io annotations cannot point the backend at a cluster or server. Ask a deployer to register the deployment with the collate-existing-deployment template, or the portal's operators to adopt its location under collate.adoptedLocations.";
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ) as any,
    );
    await renderOverview(statusApi([], { fail: refusal }).api);
    expect(
      await screen.findByText(
        /This entity is not a Collate deployment the portal manages/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
    expect(
      screen.queryByText(/You may not see this deployment's status/),
    ).not.toBeInTheDocument();
  });

  it('explains a refused status read: what the policy asks and whom to ask', async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotAllowedError', message: 'Unauthorized' },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ) as any,
    );
    await renderOverview(statusApi([], { fail: refusal }).api);
    expect(
      await screen.findByText(/You may not see this deployment's status/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /permission policy \(collate.status.read\) lets the deployment's owners/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/NotAllowedError/)).not.toBeInTheDocument();
  });

  it('says once what the backend configuration lacks, with the key to add', async () => {
    const missing = (component: string) =>
      notConfigured(component, 'Collate: not configured (collate.servers)');
    const { api } = statusApi([
      missing('server'),
      missing('database'),
      missing('search'),
    ] as any);
    await renderOverview(api);
    expect(
      await screen.findByText(/The Collate backend needs configuration/),
    ).toBeInTheDocument();
    // One line for the key, however many components it affects.
    expect(screen.getAllByText('collate.servers')).toHaveLength(1);
    expect(
      screen.getByRole('link', { name: /How to configure it/ }),
    ).toHaveAttribute('href', expect.stringContaining('#configuration'));
  });

  it('says the backend’s notice in place of what the configuration lacks', async () => {
    const starting = (component: string) =>
      notConfigured(component, 'local demo environment starting');
    const { api } = statusApi([starting('server'), starting('search')] as any, {
      notice: 'local demo environment starting',
    });
    await renderOverview(api);
    expect(
      await screen.findByText(/local demo environment starting/),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/The Collate backend needs configuration/),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('collate.servers')).not.toBeInTheDocument();
  });

  it('explains which annotation is missing, without asking the backend', async () => {
    const calls = await render(entity({}));

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/collate\.io\/component/).length,
    ).toBeGreaterThan(0);
    expect(calls).toEqual([]);
  });

  it('shows the error panel when the backend fails, still with the annotations', async () => {
    await render(
      entity({
        'collate.io/component': 'argo',
        'collate.io/kubernetes-cluster': 'aks-dev',
      }),
      { fail: new Error('collate backend unavailable'), variant: 'details' },
    );
    expect(
      (await screen.findAllByText(/collate backend unavailable/))[0],
    ).toBeInTheDocument();
    expect(screen.getByText('aks-dev')).toBeInTheDocument();
  });
});
