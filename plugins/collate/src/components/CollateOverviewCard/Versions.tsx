import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  StructuredMetadataTable,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type {
  CollateComponentKind,
  CollateComponentStatus,
  CollatePullSecretInfo,
  CollateReleaseInfo,
} from '@collate-backstage/plugin-collate-common';
import { formatMinutes } from '../../utils/format';
import { COMPONENT_TITLES } from '../../utils/titles';
import { Breakable, Health } from '../status/StatusCard';

interface VersionRow extends CollateReleaseInfo {
  component: CollateComponentKind;
  /** What the running server says, for the Collate server (its image names the version too). */
  running?: string;
}

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
      const drift = r.chartHealth === 'degraded';
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
        <Health health={r.helmHealth ?? 'unknown'}>
          {r.helmStatus}, rev. {r.revision}
        </Health>
      ) : (
        '—'
      ),
  },
];

/** The releases of the deployment with their versions, and the pull secrets kept fresh. */
export const Versions = ({
  components,
}: {
  components: CollateComponentStatus[];
}) => {
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
              ? `token expired ${formatMinutes(left)} ago`
              : `token expires in ${formatMinutes(left)}`}
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
