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

/**
 * -1, 0 or 1 for two chart versions compared part by part as numbers (`1.12.10` comes after `1.12.9`); a pre-release
 * sorts before its release. @public
 */
export function compareChartVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map(p => Number(p) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
