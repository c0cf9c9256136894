import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { CollateComponentStatus } from '@collate-backstage/plugin-collate-common';
import { COMPONENT_TITLES } from '../../utils/titles';
import { Health } from '../status/StatusCard';

/** Health per component, one line each, for the Overview tab. */
export const HealthList = ({
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
