import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  useEntity,
  MissingAnnotationEmptyState,
} from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  Link,
  WarningPanel,
  Progress,
  StructuredMetadataTable,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import {
  COLLATE_ANNOTATIONS,
  isHelmReleaseStuck,
  readCollateAnnotations,
  type CollateComponentKind,
  type CollateComponentStatus,
  type CollateEntityStatus,
  type CollatePullSecretInfo,
  type CollateReleaseInfo,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef, useUserAuth } from '../../api';
import { Breakable, Health } from '../status/StatusCard';
import { REFRESH_INTERVAL_MS } from '../status/useComponentStatus';
import { StatusProblem } from '../status/StatusProblem';

const LABELS: Record<keyof typeof COLLATE_ANNOTATIONS, string> = {
  component: 'Component',
  cluster: 'Kubernetes cluster',
  namespace: 'Namespace',
  serverRelease: 'Server release',
  serverUrl: 'Server URL',
  argoNamespace: 'Argo namespace',
  argoRelease: 'Argo release',
  argoServerUrl: 'Argo server URL',
  databaseEndpoint: 'Database endpoint',
  searchEndpoint: 'Search endpoint',
  runnerAgentId: 'Runner agent id',
  runnerNamespace: 'Runner namespace',
  serverChartVersion: 'Created with chart',
  ingestionLocations: 'More ingestion locations',
  azureSubscriptionId: 'Azure subscription',
  azureResourceGroup: 'Azure resource group',
};

const COMPONENT_TITLES: Record<CollateComponentKind, string> = {
  server: 'Collate server',
  argo: 'Argo Workflows',
  database: 'Database',
  search: 'Search engine',
  runner: 'Hybrid Ingestion Runner',
  ingestion: 'Ingestion workflows',
};

const columns: TableColumn<CollateComponentStatus>[] = [
  {
    title: 'Component',
    field: 'component',
    highlight: true,
    render: c => COMPONENT_TITLES[c.component],
  },
  {
    title: 'Health',
    field: 'health',
    render: c => <Health health={c.health} />,
  },
  { title: 'Details', field: 'reason', emptyValue: '—' },
];

interface VersionRow extends CollateReleaseInfo {
  component: CollateComponentKind;
  /** What the running server says, for the Collate server (its image names the version too). */
  running?: string;
}

const helmHealth = (status?: string) => {
  if (!status) return 'unknown' as const;
  if (status === 'deployed') return 'healthy' as const;
  return isHelmReleaseStuck(status)
    ? ('degraded' as const)
    : ('unknown' as const);
};

const versionColumns: TableColumn<VersionRow>[] = [
  {
    title: 'Component',
    field: 'component',
    highlight: true,
    render: r => COMPONENT_TITLES[r.component],
  },
  {
    title: 'Release',
    field: 'release',
    render: r => <Breakable value={r.release} />,
  },
  {
    title: 'Chart',
    field: 'chartVersion',
    // The installed version; what it was created with when that differs (drift), the guides' pin when it differs.
    render: r => {
      if (!r.chartVersion) return '—';
      const drift = r.createdWith && r.createdWith !== r.chartVersion;
      return (
        <>
          {drift ? (
            <Health health="degraded">{r.chartVersion}</Health>
          ) : (
            r.chartVersion
          )}
          {drift && (
            <Typography variant="caption" display="block" color="textSecondary">
              created with {r.createdWith}
            </Typography>
          )}
          {r.guidePin && r.guidePin !== r.chartVersion && (
            <Typography variant="caption" display="block" color="textSecondary">
              guides pin {r.guidePin}
            </Typography>
          )}
        </>
      );
    },
  },
  {
    title: 'App',
    field: 'appVersion',
    render: r => r.running ?? r.appVersion ?? '—',
  },
  {
    title: 'Helm',
    field: 'helmStatus',
    render: r =>
      r.helmStatus ? (
        <Health health={helmHealth(r.helmStatus)}>
          {r.helmStatus}, rev. {r.revision}
        </Health>
      ) : (
        '—'
      ),
  },
];

const inMinutes = (ms: number) => {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return minutes < 90
    ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

/** The releases of the deployment with their versions, and the pull secrets kept fresh. */
const Versions = ({ components }: { components: CollateComponentStatus[] }) => {
  const rows: VersionRow[] = [];
  const secrets: CollatePullSecretInfo[] = [];
  for (const c of components) {
    if (
      (c.component === 'server' ||
        c.component === 'argo' ||
        c.component === 'runner') &&
      c.release
    ) {
      rows.push({
        ...c.release,
        component: c.component,
        ...(c.component === 'server' && c.version
          ? { running: c.version }
          : {}),
      });
    }
    if ((c.component === 'server' || c.component === 'runner') && c.pullSecrets)
      secrets.push(...c.pullSecrets);
  }
  if (rows.length === 0 && secrets.length === 0) return null;
  const pullSecrets = Object.fromEntries(
    secrets.map(p => {
      const left = p.expiresAt
        ? Date.parse(p.expiresAt) - Date.now()
        : Number.NaN;
      let said = <Health health="unknown">expiry unknown</Health>;
      if (!Number.isNaN(left)) {
        said = (
          <Health health={p.health ?? 'unknown'}>
            {left <= 0
              ? `token expired ${inMinutes(left)} ago`
              : `token expires in ${inMinutes(left)}`}
          </Health>
        );
      }
      return [`Pull secret ${p.namespace}/${p.name}`, said];
    }),
  );
  return (
    <>
      {rows.length > 0 && (
        <Table<VersionRow>
          title="Releases and versions"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={versionColumns}
          data={rows}
        />
      )}
      {secrets.length > 0 && (
        <Box mt={2}>
          <StructuredMetadataTable
            metadata={pullSecrets}
            dense
            options={{ titleFormat: key => key }}
          />
        </Box>
      )}
    </>
  );
};

function useEntityStatus(entity: Entity) {
  const api = useApi(collateStatusApiRef);
  const userAuth = useUserAuth();
  const entityRef = stringifyEntityRef(entity);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{
    value?: CollateEntityStatus;
    error?: Error;
  }>({});
  useEffect(() => {
    let alive = true;
    userAuth(entity)
      .then(auth => api.getEntityStatus(entityRef, auth))
      .then(
        value => alive && setState({ value }),
        error => alive && setState(s => ({ ...s, error })),
      );
    return () => {
      alive = false;
    };
  }, [api, entity, entityRef, userAuth, tick]);
  useEffect(() => {
    const timer = setInterval(() => setTick(t => t + 1), REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, []);
  return { ...state, refresh: () => setTick(t => t + 1) };
}

/** Health per component, one line each, for the Overview tab. */
const HealthList = ({
  components,
}: {
  components: CollateComponentStatus[];
}) => (
  <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
    {components.map(c => (
      <Box
        component="li"
        key={c.component}
        display="flex"
        justifyContent="space-between"
        alignItems="center"
        py={0.5}
      >
        <Typography variant="body2">{COMPONENT_TITLES[c.component]}</Typography>
        <Health health={c.health} />
      </Box>
    ))}
  </Box>
);

const README =
  'https://github.com/collate-backstage/collate-backstage/tree/main/plugins/collate-backend';
const CONFIG_DOCS: Record<string, string> = {
  'collate.servers': `${README}#configuration`,
  'collate.argo.servers': `${README}#configuration`,
  'kubernetes.clusterLocatorMethods': `${README}#clusters`,
};

/** What the backend's configuration lacks, said once for the whole deployment, each key with what it is missing. */
const ConfigNeeded = ({ status }: { status: CollateEntityStatus }) => {
  if (status.notice) {
    // The operator's word (e.g. "local demo environment starting") in place of what the configuration lacks.
    return (
      <Box mb={2}>
        <WarningPanel severity="info" title={status.notice}>
          <Typography variant="body2">
            Said by the Collate backend's configuration (
            <code>collate.status.notice</code>) in place of what it cannot reach
            yet; the cards fill in as their sources answer.
          </Typography>
        </WarningPanel>
      </Box>
    );
  }
  const missing = new Map<string, Set<string>>();
  for (const e of status.components.flatMap(c => c.errors)) {
    if (!e.configKey) continue;
    const messages = missing.get(e.configKey) ?? new Set<string>();
    messages.add(e.message);
    missing.set(e.configKey, messages);
  }
  if (missing.size === 0) return null;
  return (
    <Box mb={2}>
      <WarningPanel
        severity="info"
        title="The Collate backend needs configuration to show this deployment"
        defaultExpanded
      >
        {[...missing].map(([key, messages]) => (
          <Typography variant="body2" key={key} paragraph>
            Add <code>{key}</code>: {[...messages].join('; ')}.{' '}
            <Link to={CONFIG_DOCS[key] ?? README}>How to configure it</Link>
          </Typography>
        ))}
      </WarningPanel>
    </Box>
  );
};

const Overview = ({ variant }: { variant: 'compact' | 'details' }) => {
  const { entity } = useEntity();
  const annotations = readCollateAnnotations(entity);
  const { value, error, refresh } = useEntityStatus(entity);

  let health;
  if (value && variant === 'compact') {
    health = <HealthList components={value.components} />;
  } else if (value) {
    health = (
      <Table<CollateComponentStatus>
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value.components}
      />
    );
  } else if (error) {
    health = <StatusProblem error={error} />;
  } else {
    health = <Progress />;
  }

  const metadata = Object.fromEntries(
    (Object.keys(LABELS) as Array<keyof typeof LABELS>)
      .filter(key => key !== 'component' && annotations[key])
      .map(key => [LABELS[key], <Breakable value={annotations[key]!} />]),
  );

  return (
    <InfoCard
      title="Collate deployment"
      subheader={entity.metadata.title ?? entity.metadata.name}
      action={
        <Tooltip title="Refresh">
          <IconButton aria-label="Refresh" onClick={refresh}>
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      }
      deepLink={
        variant === 'compact'
          ? { title: 'Details on the Collate tab', link: 'collate' }
          : undefined
      }
    >
      {value && <ConfigNeeded status={value} />}
      {variant === 'details' ? (
        <Grid container spacing={2}>
          <Grid item xs={12} lg={7}>
            {health}
          </Grid>
          <Grid item xs={12} lg={5}>
            <StructuredMetadataTable metadata={metadata} dense />
          </Grid>
          {value && (
            <Grid item xs={12}>
              <Versions components={value.components} />
            </Grid>
          )}
        </Grid>
      ) : (
        health
      )}
    </InfoCard>
  );
};

/**
 * Every component of a Collate deployment at a glance: compact on the Overview tab (health per component, a link to
 * the Collate tab), with reasons and where it runs on the Collate tab.
 */
export const CollateOverviewCard = (props: {
  /** `compact` (default): health per component and a link to the Collate tab; `details`: reasons and where it runs. */
  variant?: 'compact' | 'details';
}) => {
  const { entity } = useEntity();
  if (!readCollateAnnotations(entity).component) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          COLLATE_ANNOTATIONS.component,
          COLLATE_ANNOTATIONS.cluster,
        ]}
      />
    );
  }
  return <Overview variant={props.variant ?? 'compact'} />;
};
