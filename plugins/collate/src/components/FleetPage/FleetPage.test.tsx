import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  CollateFleet,
  CollateFleetRow,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef } from '../../api';
import { statusApi } from '../../testing/statusApi';
import { CollateFleetPage } from './FleetPage';

const row = (
  name: string,
  extra: Partial<CollateFleetRow>,
): CollateFleetRow => ({
  entityRef: `system:default/${name}`,
  cloud: 'Azure',
  owner: 'group:default/data-team',
  cluster: 'aks-1',
  namespace: 'collate',
  version: '1.12.3',
  chartVersion: '1.12.3',
  guidePin: '1.12.3',
  chartDrift: false,
  health: 'healthy',
  components: [{ component: 'server', health: 'healthy' }],
  failedRuns24h: 0,
  staleRuns: 0,
  ...extra,
});

const fleet: CollateFleet = {
  deployments: [
    row('eu-prod', {
      health: 'unhealthy',
      chartVersion: '1.12.1',
      chartDrift: true,
      components: [
        {
          component: 'server',
          health: 'unhealthy',
          reason: '0 of 1 pods ready',
        },
        {
          component: 'ingestion',
          health: 'degraded',
          reason: '2 of 9 runs failed',
        },
      ],
      failedRuns24h: 2,
      staleRuns: 1,
      runs7d: [
        { date: '2026-11-29', succeeded: 4, failed: 0 },
        { date: '2026-11-30', succeeded: 3, failed: 1 },
        { date: '2026-12-01', succeeded: 4, failed: 0 },
        { date: '2026-12-02', succeeded: 0, failed: 0 },
        { date: '2026-12-03', succeeded: 2, failed: 2 },
        { date: '2026-12-04', succeeded: 4, failed: 0 },
        { date: '2026-12-05', succeeded: 1, failed: 2 },
      ],
    }),
    // A bare owner name, as a catalog file may give it.
    row('us-prod', { cloud: 'AWS', cluster: 'eks-1', owner: 'sales' }),
  ],
  refused: 3,
};

describe('CollateFleetPage', () => {
  it('lists each deployment worst first, with why, its drift, failures, and a link to its Collate tab', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[collateStatusApiRef, statusApi([], { fleet }).api]]}
      >
        <CollateFleetPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('2 deployments')).toBeInTheDocument();
    expect(
      screen.getByText('3 more in the catalog that you may not read'),
    ).toBeInTheDocument();
    const rows = screen
      .getAllByRole('row')
      .filter(r => within(r).queryByRole('link'));
    expect(rows.map(r => within(r).getByRole('link').textContent)).toEqual([
      'eu-prod',
      'us-prod',
    ]);
    expect(within(rows[0]).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/system/eu-prod/collate',
    );
    // Which components are not healthy; why, on hover.
    expect(within(rows[0]).getByText('Server: unhealthy')).toHaveAttribute(
      'title',
      '0 of 1 pods ready',
    );
    expect(within(rows[0]).getByText('data-team')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('chart 1.12.1, drifted (guides: 1.12.3)'),
    ).toBeInTheDocument();
    expect(within(rows[0]).getByText('2 failed in 24 h')).toBeInTheDocument();
    expect(within(rows[0]).getByText('1 stale')).toBeInTheDocument();
    // The week's outcomes as a chart, said in words for who cannot see it.
    const week = within(rows[0]).getByRole('img', {
      name: '7 days: 18 succeeded, 5 failed',
    });
    // One bar per non-zero count: 6 days with successes, 3 with failures.
    expect(week.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(9);
    expect(
      within(rows[1]).getByText('no failures in 24 h'),
    ).toBeInTheDocument();
    expect(within(rows[1]).queryByRole('img')).toBeNull();
    expect(within(rows[1]).getByText('sales')).toBeInTheDocument();
  });

  it('filters by owner, cloud, cluster, health and version, and says how many of all match', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[collateStatusApiRef, statusApi([], { fleet }).api]]}
      >
        <CollateFleetPage />
      </TestApiProvider>,
    );
    await screen.findByText('2 deployments');
    const choose = async (filter: string, option: string) => {
      await userEvent.click(
        within(screen.getByTestId(`fleet-filter-${filter}`)).getByRole(
          'button',
        ),
      );
      await userEvent.click(
        await screen.findByRole('option', { name: option }),
      );
    };
    // Each filter offers the values the fleet has.
    await userEvent.click(
      within(screen.getByTestId('fleet-filter-cloud')).getByRole('button'),
    );
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'All',
      'AWS',
      'Azure',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'AWS' }));
    expect(await screen.findByText('1 of 2 deployments')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'us-prod' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'eu-prod' })).toBeNull();
    // Filters add up: no AWS deployment is unhealthy.
    await choose('health', 'Unhealthy');
    expect(
      await screen.findByText('No deployment matches these filters.'),
    ).toBeInTheDocument();
    await choose('cloud', 'All');
    expect(await screen.findByText('1 of 2 deployments')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'eu-prod' })).toBeInTheDocument();
    await choose('owner', 'sales');
    expect(
      await screen.findByText('No deployment matches these filters.'),
    ).toBeInTheDocument();
  }, 30_000);

  it('says how to get a first deployment when there is none', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[collateStatusApiRef, statusApi([]).api]]}>
        <CollateFleetPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /No Collate deployment you may read is registered yet/,
      ),
    ).toBeInTheDocument();
  });
});
