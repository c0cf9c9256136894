/**
 * The chart versions the deployment guides pin, by chart name (`helm.sh/chart` label's name part): the versions
 * the templates install by default and the status cards compare installed releases with. @public
 */
export const COLLATE_GUIDE_CHART_PINS: Readonly<Record<string, string>> = {
  openmetadata: '1.12.3',
  'argo-workflows': '0.45.23',
  'hybrid-ingestion-runner': '1.12.3',
};

/**
 * Chart name and version from a `helm.sh/chart` label (`argo-workflows-0.45.23` → `argo-workflows`, `0.45.23`).
 * @public
 */
export function parseHelmChartLabel(
  label: string | undefined,
): { chart: string; version: string } | undefined {
  const m = label?.match(/^(.+)-(v?\d+\.\d+\.\d+[\w.+-]*)$/);
  return m ? { chart: m[1], version: m[2] } : undefined;
}

/**
 * The OpenMetadata version a Collate image tag names: `om-1.12.3-cl-1.12.3` → `1.12.3`, a plain `1.12.3` →
 * `1.12.3`; undefined for other tags. The openmetadata chart version follows it. @public
 */
export function openMetadataVersionOfImageTag(
  tag: string | undefined,
): string | undefined {
  return tag ? /^(?:om-)?(\d+\.\d+\.\d+)(?:$|-)/.exec(tag)?.[1] : undefined;
}

/**
 * Whether Helm's state of a release's latest revision needs recovering before the next upgrade: `pending-install`,
 * `pending-upgrade`, `pending-rollback` or `failed`. @public
 */
export function isHelmReleaseStuck(status: string): boolean {
  return /^pending-|^failed$/.test(status);
}
