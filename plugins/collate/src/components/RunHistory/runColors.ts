import { useTheme } from '@material-ui/core/styles';
import type { BackstagePaletteAdditions } from '@backstage/theme';

/** Succeeded and failed runs in the theme's own status colours (light and dark), and a neutral line colour. */
export function useRunColors() {
  const theme = useTheme();
  const status = (
    theme.palette as unknown as Partial<BackstagePaletteAdditions>
  ).status;
  return {
    succeeded: status?.ok ?? theme.palette.success.main,
    failed: status?.error ?? theme.palette.error.main,
    duration: theme.palette.text.secondary,
    grid: theme.palette.divider,
    text: theme.palette.text.secondary,
  };
}

/** `N succeeded, M failed` over some days: what a chart shows, said in words (its accessible name). */
export function describeRuns(
  days: Array<{ succeeded: number; failed: number }>,
) {
  const succeeded = days.reduce((s, d) => s + d.succeeded, 0);
  const failed = days.reduce((s, d) => s + d.failed, 0);
  return `${days.length} days: ${succeeded} succeeded, ${failed} failed`;
}
