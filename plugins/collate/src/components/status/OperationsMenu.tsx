import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import IconButton from '@material-ui/core/IconButton';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import MoreVertIcon from '@material-ui/icons/MoreVert';

/**
 * An actions menu (⋮) for one row of a card's table: each operation after a confirmation that says what it does.
 * `perform` resolves true when the operation succeeded (the dialog then closes). Nothing when no operation applies.
 */
export function OperationsMenu<Op extends string>({
  subject,
  operations,
  label,
  explain,
  busy,
  perform,
}: {
  /** What the operations act on, e.g. a workflow's name. */
  subject: string;
  operations: Op[];
  label: (op: Op) => string;
  explain: (op: Op) => string;
  busy: boolean;
  perform: (op: Op) => Promise<boolean>;
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [confirming, setConfirming] = useState<Op>();
  if (operations.length === 0) return null;
  const titleId = `collate-action-title-${subject}`;

  const confirm = async (op: Op) => {
    if (await perform(op)) setConfirming(undefined);
  };

  return (
    <>
      <IconButton
        size="small"
        aria-label={`Actions for ${subject}`}
        onClick={e => setAnchor(e.currentTarget)}
      >
        <MoreVertIcon fontSize="small" />
      </IconButton>
      <Menu
        anchorEl={anchor}
        keepMounted={false}
        open={Boolean(anchor)}
        onClose={() => setAnchor(null)}
      >
        {operations.map(op => (
          <MenuItem
            key={op}
            onClick={() => {
              setAnchor(null);
              setConfirming(op);
            }}
          >
            {label(op)}
          </MenuItem>
        ))}
      </Menu>
      <Dialog
        open={Boolean(confirming)}
        onClose={() => setConfirming(undefined)}
        aria-labelledby={titleId}
      >
        {confirming && (
          <>
            <DialogTitle id={titleId}>
              {label(confirming)} {subject}?
            </DialogTitle>
            <DialogContent>
              <DialogContentText>{explain(confirming)}</DialogContentText>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirming(undefined)} disabled={busy}>
                Cancel
              </Button>
              <Button
                onClick={() => confirm(confirming)}
                color="primary"
                variant="contained"
                disabled={busy}
              >
                {label(confirming)}
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </>
  );
}
