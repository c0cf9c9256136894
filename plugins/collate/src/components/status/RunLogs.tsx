import { useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MuiLink from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Link, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  collateWorkflowLogsPermission,
  type WorkflowRun,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef } from '../../api';

const useStyles = makeStyles(theme => ({
  log: {
    margin: 0,
    padding: theme.spacing(1.5),
    minHeight: theme.spacing(20),
    maxHeight: '60vh',
    overflow: 'auto',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontFamily: 'monospace',
    fontSize: theme.typography.pxToRem(13),
    lineHeight: 1.5,
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
}));

const LogDialog = ({
  run,
  entityRef,
  onClose,
}: {
  run: WorkflowRun;
  entityRef: string;
  onClose: () => void;
}) => {
  const classes = useStyles();
  const api = useApi(collateStatusApiRef);
  const [text, setText] = useState('');
  const [state, setState] = useState<'reading' | 'done' | Error>('reading');
  const follow = run.phase === 'Running' || run.phase === 'Pending';

  useEffect(() => {
    const aborter = new AbortController();
    api
      .workflowLogs(entityRef, run.name, {
        follow,
        where: { cluster: run.cluster, namespace: run.namespace },
        signal: aborter.signal,
        onText: chunk => setText(t => t + chunk),
      })
      .then(() => setState('done'))
      .catch(e => {
        if (!aborter.signal.aborted) setState(e as Error);
      });
    return () => aborter.abort();
  }, [api, entityRef, run.name, run.cluster, run.namespace, follow]);

  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="collate-run-logs-title"
    >
      <DialogTitle id="collate-run-logs-title">Logs of {run.name}</DialogTitle>
      <DialogContent>
        {state instanceof Error ? (
          <WarningPanel
            title="Could not read the logs"
            message={state.message}
          />
        ) : (
          <>
            {state === 'reading' && <Progress />}
            <pre className={classes.log} aria-label={`Logs of ${run.name}`}>
              {text || (state === 'done' ? 'No output.' : '')}
            </pre>
            <Typography variant="caption" color="textSecondary">
              {state === 'reading' && follow
                ? 'Following the running workflow…'
                : "The main container's output of each step, from the Argo server."}
            </Typography>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {run.logsUrl && <Link to={run.logsUrl}>Open in the Argo UI</Link>}
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * The "logs" link under a run's name: opens its logs in the portal (streamed through the backend, followed while it
 * runs) for users with `collate.workflow.logs`; otherwise the Argo UI's log page, when there is one.
 */
export const RunLogs = ({ run }: { run: WorkflowRun }) => {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { allowed } = usePermission({
    permission: collateWorkflowLogsPermission,
    resourceRef: entityRef,
  });
  const [open, setOpen] = useState(false);
  if (!allowed) {
    return run.logsUrl ? (
      <Typography variant="caption" display="block">
        <Link to={run.logsUrl}>logs</Link>
      </Typography>
    ) : null;
  }
  return (
    <>
      <Typography variant="caption" display="block">
        <MuiLink
          component="button"
          variant="caption"
          onClick={() => setOpen(true)}
          aria-label={`Logs of ${run.name}`}
        >
          logs
        </MuiLink>
      </Typography>
      {open && (
        <LogDialog
          run={run}
          entityRef={entityRef}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
};
