import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  StructuredMetadataTable,
} from '@backstage/core-components';
import type {
  CollateMetaflowDatastore,
  CollateMetaflowService,
  CollateMetaflowStatus,
} from '@collate-backstage/plugin-collate-common';
import { DeploymentPods } from '../status/PhaseCounts';
import { Breakable, Health, StatusCard } from '../status/StatusCard';

const ORCHESTRATOR_TITLES: Record<
  NonNullable<CollateMetaflowStatus['orchestrator']>,
  string
> = {
  'argo-workflows': 'Argo Workflows and Argo Events',
  airflow: 'Airflow',
  none: 'none (local runs and --with kubernetes)',
};

const Services = ({ services }: { services: CollateMetaflowService[] }) => (
  <Table size="small" aria-label="Metaflow services">
    <TableHead>
      <TableRow>
        <TableCell>Service</TableCell>
        <TableCell>Pods</TableCell>
        <TableCell>Version</TableCell>
        <TableCell>Migrations</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {services.map(service => (
        <TableRow key={service.name}>
          <TableCell>
            <Typography variant="body2">{service.title}</Typography>
            <Typography variant="caption" color="textSecondary">
              <Breakable value={service.name} />
            </Typography>
          </TableCell>
          <TableCell>
            {service.deployment ? (
              <DeploymentPods deployment={service.deployment} />
            ) : (
              <Health health="unhealthy">missing</Health>
            )}
          </TableCell>
          <TableCell>{service.version ?? '—'}</TableCell>
          <TableCell>
            {service.migrations ? (
              <Health
                health={service.migrations === 'done' ? 'healthy' : 'degraded'}
              >
                {service.migrations}
              </Health>
            ) : (
              '—'
            )}
          </TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);

const Datastore = ({ datastore }: { datastore?: CollateMetaflowDatastore }) => {
  if (!datastore) return <>—</>;
  const said = datastore.reachable
    ? `reachable${
        datastore.answer
          ? ` (answers ${datastore.answer.status}${
              datastore.answer.errorCode ? ` ${datastore.answer.errorCode}` : ''
            } without credentials)`
          : ''
      }`
    : datastore.error ?? 'not reachable';
  return (
    <>
      <Breakable value={datastore.url} />
      <br />
      <Health health={datastore.health}>{said}</Health>
    </>
  );
};

/**
 * Metaflow on Azure (guide 003): each service of the stack with its pods, version and, for the metadata service, its
 * database migrations; the datastore container's reachability; and how to open the UI. @public
 */
export const CollateMetaflowCard = () => (
  <StatusCard<CollateMetaflowStatus> component="metaflow">
    {s => (
      <>
        <StructuredMetadataTable
          metadata={{
            Namespace: s.namespace ?? '—',
            Orchestrator: s.orchestrator
              ? ORCHESTRATOR_TITLES[s.orchestrator]
              : '—',
            Datastore: <Datastore datastore={s.datastore} />,
          }}
        />
        {s.services && <Services services={s.services} />}
        {s.namespace && (
          <>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              Open the Metaflow UI
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Forward its ports, then open http://localhost:3000:
            </Typography>
            <CodeSnippet
              language="shell"
              text={[
                `kubectl -n ${s.namespace} \\`,
                '  port-forward deployment/metaflow-ui-backend-service 8083:8083 &',
                `kubectl -n ${s.namespace} \\`,
                '  port-forward deployment/metaflow-ui-static-service 3000:3000',
              ].join('\n')}
              showCopyCodeButton
            />
          </>
        )}
      </>
    )}
  </StatusCard>
);
