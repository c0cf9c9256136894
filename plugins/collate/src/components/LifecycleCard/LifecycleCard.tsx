import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import {
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  ScaffolderDryRunResponse,
  TemplateEntityV1beta3,
} from '@backstage/plugin-scaffolder-common';

/** The clouds a Collate System can be deployed to: its tag, and the decommission template's. */
const CLOUDS = ['aws', 'azure'];

/** The Collate upgrade and decommission templates that apply to a System: found by their tags. */
interface LifecycleTemplates {
  upgrade?: TemplateEntityV1beta3;
  decommission?: TemplateEntityV1beta3;
}

/** The Collate upgrade and decommission templates that apply to a System: found by their tags. */
function useLifecycleTemplates(entity: Entity, enabled: boolean) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const [state, setState] = useState<{
    loading: boolean;
    value?: LifecycleTemplates;
    error?: Error;
  }>({ loading: true });
  useEffect(() => {
    let alive = true;
    if (!enabled || !catalogApi) {
      setState({ loading: false });
      return undefined;
    }
    const tagged = (t: Entity, tag: string) =>
      (t.metadata.tags ?? []).includes(tag);
    const cloud = CLOUDS.find(c => tagged(entity, c));
    catalogApi
      .getEntities({ filter: { kind: 'Template', 'metadata.tags': 'collate' } })
      .then(
        ({ items }) =>
          alive &&
          setState({
            loading: false,
            value: {
              upgrade: items.find(t => tagged(t, 'upgrade')) as
                | TemplateEntityV1beta3
                | undefined,
              decommission: items.find(
                t => tagged(t, 'decommission') && !!cloud && tagged(t, cloud),
              ) as TemplateEntityV1beta3 | undefined,
            },
          }),
        error => alive && setState({ loading: false, error }),
      );
    return () => {
      alive = false;
    };
  }, [catalogApi, entity, enabled]);
  return state;
}

const templateLink = (template: Entity, system: string) =>
  `/create/templates/${template.metadata.namespace ?? 'default'}/${
    template.metadata.name
  }?formData=${encodeURIComponent(JSON.stringify({ system }))}`;

/** The scaffolder's own lines around each step (and the step's inputs), left out of the plan. */
const RUNNER_LINE =
  /^(Beginning step|Finished step|Skipping step|Running .* in dry-run mode|Step .* (completed|skipped))/;

/** A log line as a person reads it: without the terminal colours and the level the task log keeps. */
export const planLine = (message: string) =>
  message
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/^(info|warn|error|debug): /, '');

/** Each step of the decommission with what it would do, in the order the template runs them. */
export function DecommissionPlan({ plan }: { plan: ScaffolderDryRunResponse }) {
  return (
    <Box component="ol" m={0} pl={3}>
      {plan.steps.map(step => {
        const events = plan.log.filter(l => l.body.stepId === step.id);
        const skipped = events.some(l => l.body.status === 'skipped');
        const lines = events
          .map(l => planLine(l.body.message ?? ''))
          .filter(m => m && !RUNNER_LINE.test(m));
        return (
          <Box component="li" key={step.id} mb={1.5}>
            <Typography variant="subtitle2">{step.name}</Typography>
            {skipped ? (
              <Typography variant="body2" color="textSecondary">
                skipped
              </Typography>
            ) : (
              <Box component="ul" m={0} pl={2}>
                {lines.map((line, i) => (
                  <Typography
                    component="li"
                    variant="body2"
                    key={i}
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    {line}
                  </Typography>
                ))}
              </Box>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/**
 * Day-2 operations of a Collate System: upgrade it, or decommission it, through the Collate templates (the form
 * starts with this System picked). The decommission plan (a dry run of the template: exactly what would be deleted,
 * what would be kept) can be read here first.
 */
export const LifecycleCard = () => {
  const { entity } = useEntity();
  // A portal without the scaffolder has no templates to run: the card is left out.
  const scaffolderApi = useApiHolder().get(scaffolderApiRef);
  const system = stringifyEntityRef(entity);
  const templates = useLifecycleTemplates(entity, Boolean(scaffolderApi));
  const [open, setOpen] = useState(false);
  const [plan, setPlan] = useState<{
    value?: ScaffolderDryRunResponse;
    error?: Error;
  }>({});

  const decommission = templates.value?.decommission;
  const preview = () => {
    if (!decommission || !scaffolderApi) return;
    setOpen(true);
    setPlan({});
    scaffolderApi
      .dryRun({
        template: decommission,
        values: { system, confirm: true },
        secrets: {},
        directoryContents: [],
      })
      .then(
        value => setPlan({ value }),
        error => setPlan({ error }),
      );
  };

  if (!scaffolderApi) return null;
  if (templates.loading) return <Progress />;
  if (templates.error) return <ResponseErrorPanel error={templates.error} />;
  const upgrade = templates.value?.upgrade;
  if (!upgrade && !decommission) return null;
  return (
    <InfoCard title="Lifecycle">
      <Typography variant="body2" paragraph>
        Upgrade this deployment to another Collate version, or decommission it:
        only what it created is deleted, everything it adopted or that belongs
        to someone else is kept. Each runs as a Software Template with this
        System picked; read the decommission plan first.
      </Typography>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {upgrade && (
          <LinkButton
            variant="outlined"
            color="primary"
            to={templateLink(upgrade, system)}
          >
            Upgrade…
          </LinkButton>
        )}
        {decommission && (
          <>
            <Button variant="outlined" onClick={preview}>
              Preview decommission
            </Button>
            <LinkButton
              variant="outlined"
              color="secondary"
              to={templateLink(decommission, system)}
            >
              Decommission…
            </LinkButton>
          </>
        )}
      </Box>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        maxWidth="md"
        fullWidth
      >
        <DialogTitle>
          What decommissioning {entity.metadata.title ?? entity.metadata.name}{' '}
          would do
        </DialogTitle>
        <DialogContent dividers>
          {!plan.value && !plan.error && <Progress />}
          {plan.error && <ResponseErrorPanel error={plan.error} />}
          {plan.value && (
            <>
              <Typography variant="body2" color="textSecondary" paragraph>
                A dry run of {decommission?.metadata.title}: nothing was
                changed. The artifact storage is kept unless asked for in the
                template&apos;s form.
              </Typography>
              <DecommissionPlan plan={plan.value} />
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Close</Button>
          {decommission && (
            <LinkButton
              color="secondary"
              to={templateLink(decommission, system)}
            >
              Decommission…
            </LinkButton>
          )}
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
};
