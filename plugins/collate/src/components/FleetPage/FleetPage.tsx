import Typography from '@material-ui/core/Typography';
import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  COLLATE_HEALTH_ORDER,
  type CollateFleet,
  type CollateFleetRow,
} from '@collate-backstage/plugin-collate-common';
import { useEffect, useState } from 'react';
import { collateStatusApiRef } from '../../api';
import { RunSparkline } from '../RunHistory';
import { Breakable, Health } from '../status/StatusCard';
import { COMPONENT_TITLES } from '../../utils/titles';
import { NO_WRAP, formatMinutes } from '../../utils/format';

/** The entity's Collate tab. */
function tabOf(entityRef: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/collate`;
}

const distinct = (
  rows: CollateFleetRow[],
  pick: (r: CollateFleetRow) => string | undefined,
) =>
  Object.fromEntries(
    [...new Set(rows.map(pick).filter((v): v is string => Boolean(v)))]
      .sort()
      .map(v => [v, v]),
  );

function columns(rows: CollateFleetRow[]): TableColumn<CollateFleetRow>[] {
  return [
    {
      title: 'Deployment',
      field: 'entityRef',
      highlight: true,
      render: r => (
        <Link to={tabOf(r.entityRef)}>
          {r.title ?? parseEntityRef(r.entityRef).name}
        </Link>
      ),
    },
    {
      title: 'Health',
      field: 'health',
      lookup: {
        unhealthy: 'Unhealthy',
        degraded: 'Degraded',
        unknown: 'Unknown',
        healthy: 'Healthy',
      },
      defaultSort: 'desc',
      customSort: (a, b) =>
        COLLATE_HEALTH_ORDER.indexOf(a.health) -
        COLLATE_HEALTH_ORDER.indexOf(b.health),
      cellStyle: NO_WRAP,
      // The components that are not healthy, by name; their reasons on hover and on the System's Collate tab.
      render: r => (
        <div>
          <Health health={r.health} />
          {r.components
            .filter(c => c.health !== 'healthy')
            .map(c => (
              <Typography
                key={c.component}
                variant="caption"
                display="block"
                color="textSecondary"
                title={c.reason}
              >
                {COMPONENT_TITLES[c.component]}: {c.health}
              </Typography>
            ))}
        </div>
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      lookup: distinct(rows, r => r.owner),
      render: r =>
        r.owner ? (
          <Breakable
            value={humanizeEntityRef(
              // `spec.owner` may be a bare name (`platform-team`): a group of the default namespace.
              parseEntityRef(r.owner, {
                defaultKind: 'group',
                defaultNamespace: 'default',
              }),
              { defaultKind: 'group' },
            )}
          />
        ) : (
          '—'
        ),
    },
    {
      title: 'Cloud',
      field: 'cloud',
      lookup: distinct(rows, r => r.cloud),
      cellStyle: NO_WRAP,
    },
    {
      title: 'Cluster',
      field: 'cluster',
      lookup: distinct(rows, r => r.cluster),
      render: r => (
        <>
          {r.cluster ?? '—'}
          {r.namespace && (
            <Typography variant="caption" display="block" color="textSecondary">
              <Breakable value={r.namespace} />
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Version',
      field: 'version',
      lookup: distinct(rows, r => r.version),
      render: r => (
        <>
          {r.version ?? '—'}
          {r.chartVersion && (
            <Typography
              variant="caption"
              display="block"
              color={r.chartDrift ? 'error' : 'textSecondary'}
            >
              chart {r.chartVersion}
              {r.chartDrift ? ', drifted' : ''}
              {r.guidePin && r.guidePin !== r.chartVersion
                ? ` (guides: ${r.guidePin})`
                : ''}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Ingestion',
      field: 'failedRuns24h',
      type: 'numeric',
      // The last 7 days in a glance, then what the last 24 h need from someone.
      render: r => (
        <>
          {r.runs7d && <RunSparkline days={r.runs7d} />}
          <Typography variant="caption" display="block" style={NO_WRAP}>
            {r.failedRuns24h || r.staleRuns
              ? [
                  r.failedRuns24h && `${r.failedRuns24h} failed in 24 h`,
                  r.staleRuns && `${r.staleRuns} stale`,
                ]
                  .filter(Boolean)
                  .join(', ')
              : 'no failures in 24 h'}
          </Typography>
        </>
      ),
    },
    {
      title: 'Pull secret',
      field: 'pullSecretExpiresAt',
      cellStyle: NO_WRAP,
      render: r => {
        if (!r.pullSecretExpiresAt) return '—';
        const left = Date.parse(r.pullSecretExpiresAt) - Date.now();
        return left > 0 ? `expires in ${formatMinutes(left)}` : 'expired';
      },
    },
    {
      title: 'Last reindex',
      field: 'lastReindex.status',
      cellStyle: NO_WRAP,
      render: r =>
        r.lastReindex
          ? `${r.lastReindex.status}${
              r.lastReindex.startedAt
                ? `, ${new Date(r.lastReindex.startedAt).toLocaleDateString(
                    'en-GB',
                  )}`
                : ''
            }`
          : '—',
    },
  ];
}

/**
 * Every Collate deployment the signed-in user may read, worst health first: cloud, cluster, owner, version and
 * drift, each component's health, failed and stale ingestion runs, pull-secret expiry, last reindex. Filters per
 * column; each row links to the System's Collate tab. @public
 */
export const CollateFleetPage = () => {
  const api = useApi(collateStatusApiRef);
  const [{ value, error }, setState] = useState<{
    value?: CollateFleet;
    error?: Error;
  }>({});
  useEffect(() => {
    let live = true;
    api.getFleet().then(
      fleet => live && setState({ value: fleet }),
      e => live && setState({ error: e }),
    );
    return () => {
      live = false;
    };
  }, [api]);
  const loading = !value && !error;
  return (
    <Page themeId="tool">
      <Header
        title="Collate fleet"
        subtitle="Every Collate deployment you may read, worst first"
      />
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Table<CollateFleetRow>
            title={`${value.deployments.length} deployments`}
            subtitle={
              value.refused
                ? `${value.refused} more in the catalog that you may not read`
                : undefined
            }
            options={{
              filtering: true,
              paging: value.deployments.length > 50,
              pageSize: 50,
              search: true,
              padding: 'dense',
            }}
            columns={columns(value.deployments)}
            data={value.deployments}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No Collate deployment you may read is registered yet: deploy one
                with a Collate template.
              </Typography>
            }
          />
        )}
      </Content>
    </Page>
  );
};
