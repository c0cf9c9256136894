import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Select,
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
import { useEffect, useMemo, useState } from 'react';
import { collateStatusApiRef } from '../../api';
import { RunSparkline } from '../RunHistory';
import { Breakable, Health } from '../status/StatusCard';
import { COMPONENT_SHORT_TITLES } from '../../utils/titles';
import { NO_WRAP, formatMinutes } from '../../utils/format';

/** The entity's Collate tab. */
function tabOf(entityRef: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/collate`;
}

/** `spec.owner` as people read it; a bare name (`platform-team`) is a group of the default namespace. */
const ownerName = (owner: string) =>
  humanizeEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
    { defaultKind: 'group' },
  );

const HEALTH_TITLES = {
  unhealthy: 'Unhealthy',
  degraded: 'Degraded',
  unknown: 'Unknown',
  healthy: 'Healthy',
} as const;

/** What the filter bar filters by: each a property of a row, as shown. */
const FILTERS = {
  owner: {
    label: 'Owner',
    of: (r: CollateFleetRow) => (r.owner ? ownerName(r.owner) : undefined),
  },
  cloud: { label: 'Cloud', of: (r: CollateFleetRow) => r.cloud },
  cluster: { label: 'Cluster', of: (r: CollateFleetRow) => r.cluster },
  health: {
    label: 'Health',
    of: (r: CollateFleetRow) => HEALTH_TITLES[r.health],
  },
  version: { label: 'Version', of: (r: CollateFleetRow) => r.version },
} as const;
type FilterKey = keyof typeof FILTERS;
const ALL = '';

const Caption = (props: {
  children: React.ReactNode;
  color?: 'error' | 'textSecondary';
  title?: string;
}) => (
  <Typography
    variant="caption"
    display="block"
    color={props.color ?? 'textSecondary'}
    title={props.title}
  >
    {props.children}
  </Typography>
);

/** Cells closer together than the table's default, so six columns fit beside the sidebar at 1024 px. */
const CELL = { paddingLeft: 8, paddingRight: 8 } as const;

const columns: TableColumn<CollateFleetRow>[] = (
  [
    {
      title: 'Deployment',
      field: 'entityRef',
      highlight: true,
      render: r => (
        <>
          <Link to={tabOf(r.entityRef)}>
            {r.title ?? parseEntityRef(r.entityRef).name}
          </Link>
          {r.owner && (
            <Caption>
              <Breakable value={ownerName(r.owner)} />
            </Caption>
          )}
        </>
      ),
    },
    {
      title: 'Health',
      field: 'health',
      defaultSort: 'desc',
      customSort: (a, b) =>
        COLLATE_HEALTH_ORDER.indexOf(a.health) -
        COLLATE_HEALTH_ORDER.indexOf(b.health),
      // The components that are not healthy, by name; their reasons on hover and on the System's Collate tab.
      render: r => (
        <>
          <Health health={r.health} />
          {r.components
            .filter(c => c.health !== 'healthy')
            .map(c => (
              <Caption key={c.component} title={c.reason}>
                {COMPONENT_SHORT_TITLES[c.component]}: {c.health}
              </Caption>
            ))}
        </>
      ),
    },
    {
      title: 'Where',
      field: 'cluster',
      render: r => (
        <>
          <span style={NO_WRAP}>
            {r.cloud} · {r.cluster ?? '—'}
          </span>
          {r.namespace && (
            <Caption>
              <Breakable value={r.namespace} />
            </Caption>
          )}
        </>
      ),
    },
    {
      title: 'Version',
      field: 'version',
      render: r => (
        <>
          {r.version ?? '—'}
          {r.chartVersion && (
            <Caption color={r.chartDrift ? 'error' : 'textSecondary'}>
              chart {r.chartVersion}
              {r.chartDrift ? ', drifted' : ''}
              {r.guidePin && r.guidePin !== r.chartVersion
                ? ` (guides: ${r.guidePin})`
                : ''}
            </Caption>
          )}
        </>
      ),
    },
    {
      title: 'Ingestion, 7 days',
      field: 'failedRuns24h',
      // The last 7 days in a glance, then what the last 24 h need from someone.
      render: r => (
        <>
          {r.runs7d && <RunSparkline days={r.runs7d} />}
          <Typography variant="caption" display="block" style={NO_WRAP}>
            {r.failedRuns24h
              ? `${r.failedRuns24h} failed in 24 h`
              : 'no failures in 24 h'}
          </Typography>
          {r.staleRuns > 0 && (
            <Typography variant="caption" display="block" style={NO_WRAP}>
              {r.staleRuns} stale
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Upkeep',
      field: 'pullSecretExpiresAt',
      render: r => {
        let secret = '—';
        if (r.pullSecretExpiresAt) {
          const left = Date.parse(r.pullSecretExpiresAt) - Date.now();
          secret = left > 0 ? `expires in ${formatMinutes(left)}` : 'expired';
        }
        return (
          <>
            <Caption>pull secret: {secret}</Caption>
            <Caption>
              reindex:{' '}
              {r.lastReindex
                ? `${r.lastReindex.status}${
                    r.lastReindex.startedAt
                      ? `, ${new Date(
                          r.lastReindex.startedAt,
                        ).toLocaleDateString('en-GB', {
                          day: 'numeric',
                          month: 'short',
                        })}`
                      : ''
                  }`
                : '—'}
            </Caption>
          </>
        );
      },
    },
  ] as TableColumn<CollateFleetRow>[]
).map(c => ({
  ...c,
  cellStyle: { ...CELL, ...(c.cellStyle as object) },
  headerStyle: CELL,
}));

/** A select per filter, with the values the fleet has; "All" by default. */
function FilterBar(props: {
  rows: CollateFleetRow[];
  selected: Partial<Record<FilterKey, string>>;
  onChange: (key: FilterKey, value: string) => void;
}) {
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      {(Object.keys(FILTERS) as FilterKey[]).map(key => {
        const values = [
          ...new Set(
            props.rows
              .map(FILTERS[key].of)
              .filter((v): v is string => Boolean(v)),
          ),
        ].sort();
        return (
          <Box key={key} flex="1 1 120px" maxWidth={220}>
            <Select
              data-testid={`fleet-filter-${key}`}
              label={FILTERS[key].label}
              margin="dense"
              items={[
                { label: 'All', value: ALL },
                ...values.map(v => ({ label: v, value: v })),
              ]}
              selected={props.selected[key] ?? ALL}
              onChange={v => props.onChange(key, String(v))}
            />
          </Box>
        );
      })}
    </Box>
  );
}

/**
 * Every Collate deployment the signed-in user may read, worst health first: owner, where it runs, version and chart
 * drift, each component's health, a week of ingestion outcomes, failed and stale runs, pull-secret expiry and last
 * reindex. Filters by owner, cloud, cluster, health and version; each row links to the System's Collate tab. @public
 */
export const CollateFleetPage = () => {
  const api = useApi(collateStatusApiRef);
  const [{ value, error }, setState] = useState<{
    value?: CollateFleet;
    error?: Error;
  }>({});
  const [selected, setSelected] = useState<Partial<Record<FilterKey, string>>>(
    {},
  );
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
  const rows = useMemo(
    () =>
      (value?.deployments ?? []).filter(r =>
        (Object.keys(selected) as FilterKey[]).every(
          key => !selected[key] || FILTERS[key].of(r) === selected[key],
        ),
      ),
    [value, selected],
  );
  const loading = !value && !error;
  const total = value?.deployments.length ?? 0;
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
          <>
            {total > 0 && (
              <FilterBar
                rows={value.deployments}
                selected={selected}
                onChange={(key, v) => setSelected(s => ({ ...s, [key]: v }))}
              />
            )}
            <Table<CollateFleetRow>
              title={
                rows.length === total
                  ? `${total} deployments`
                  : `${rows.length} of ${total} deployments`
              }
              subtitle={
                value.refused
                  ? `${value.refused} more in the catalog that you may not read`
                  : undefined
              }
              options={{
                paging: rows.length > 50,
                pageSize: 50,
                search: true,
                padding: 'dense',
              }}
              columns={columns}
              data={rows}
              emptyContent={
                <Typography style={{ padding: 16 }}>
                  {total
                    ? 'No deployment matches these filters.'
                    : 'No Collate deployment you may read is registered yet: deploy one with a Collate template.'}
                </Typography>
              }
            />
          </>
        )}
      </Content>
    </Page>
  );
};
