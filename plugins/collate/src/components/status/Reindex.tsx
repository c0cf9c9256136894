import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import { StatusRunning } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  collateReindexPermission,
  collateReindexRecreatePermission,
  isAppRunActive,
  type CollateHealth,
  type CollateReindexRun,
} from '@collate-backstage/plugin-collate-common';
import { Health, When } from './StatusCard';
import { useEntityAction } from '../../hooks/useEntityAction';

const runHealth = (status: string): CollateHealth => {
  if (status === 'success' || status === 'completed') return 'healthy';
  if (status === 'failed' || status === 'activeError') return 'unhealthy';
  return 'unknown';
};

/** The last reindex: its state, when it started, how long it took or why it failed. */
export const LastReindex = ({ run }: { run?: CollateReindexRun }) => {
  if (!run) return <>none listed by Collate</>;
  const took =
    run.startTime && run.endTime
      ? Math.round((Date.parse(run.endTime) - Date.parse(run.startTime)) / 1000)
      : undefined;
  return (
    <>
      {isAppRunActive(run.status) ? (
        <StatusRunning>{run.status}</StatusRunning>
      ) : (
        <Health health={runHealth(run.status)}>{run.status}</Health>
      )}{' '}
      <When at={run.startTime} />
      {took !== undefined && `, took ${took} s`}
      {run.failure && `: ${run.failure}`}
    </>
  );
};

/**
 * "Reindex search": rebuilds the search indexes of the entity's Collate after a confirmation, for those allowed
 * `collate.search.reindex` on the entity. A run in progress is said, never doubled.
 */
export const ReindexButton = ({
  run,
  onDone,
}: {
  run?: CollateReindexRun;
  onDone: () => void;
}) => {
  const { entity, entityRef, busy, perform } = useEntityAction();
  const { allowed, loading } = usePermission({
    permission: collateReindexPermission,
    resourceRef: entityRef,
  });
  // Recreating disturbs everyone who searches: a permission of its own (deployers, by the Collate policy).
  const recreate = usePermission({
    permission: collateReindexRecreatePermission,
    resourceRef: entityRef,
  });
  const [open, setOpen] = useState(false);
  const [recreateIndex, setRecreateIndex] = useState(false);
  if (loading || !allowed) return null;
  const running = run !== undefined && isAppRunActive(run.status);

  const confirm = async () => {
    const done = await perform(
      api => api.startReindex(entityRef, { recreateIndex }),
      result =>
        result.started
          ? {
              message: 'Reindex started: the search indexes are being rebuilt.',
            }
          : {
              message:
                'A reindex is already running; it was not started twice.',
              severity: 'info',
            },
      'Reindex not started',
    );
    if (done) {
      setOpen(false);
      onDone();
    }
  };

  return (
    <Box mt={2}>
      <Button
        variant="outlined"
        color="primary"
        size="small"
        disabled={running}
        onClick={() => setOpen(true)}
      >
        {running ? 'Reindex running' : 'Reindex search'}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby="collate-reindex-title"
      >
        <DialogTitle id="collate-reindex-title">
          Rebuild the search indexes?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            Collate's Search Indexing application rebuilds the indexes of{' '}
            {entity.metadata.title ?? entity.metadata.name} from its database,
            as the deployment guides ask after every install or upgrade. It runs
            in Collate and can take a while.
          </DialogContentText>
          {recreate.allowed && (
            <FormControlLabel
              control={
                <Checkbox
                  checked={recreateIndex}
                  onChange={e => setRecreateIndex(e.target.checked)}
                  color="primary"
                />
              }
              label="Recreate the indexes (drop and rebuild: search is incomplete until it ends)"
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            onClick={confirm}
            color="primary"
            variant="contained"
            disabled={busy}
          >
            Reindex
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
};
