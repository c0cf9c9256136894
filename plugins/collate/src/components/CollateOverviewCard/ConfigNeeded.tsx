import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Link, WarningPanel } from '@backstage/core-components';
import type { CollateEntityStatus } from '@collate-backstage/plugin-collate-common';

const README =
  'https://github.com/collate-backstage/collate-backstage/tree/main/plugins/collate-backend';
const CONFIG_DOCS: Record<string, string> = {
  'collate.servers': `${README}#configuration`,
  'collate.argo.servers': `${README}#configuration`,
  'kubernetes.clusterLocatorMethods': `${README}#clusters`,
};

/** What the backend's configuration lacks, said once for the whole deployment, each key with what it is missing. */
export const ConfigNeeded = ({ status }: { status: CollateEntityStatus }) => {
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
