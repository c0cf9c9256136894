/** A release as `helm list -o json` describes it. */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
  app_version: string;
  /** When this revision was deployed, as Helm prints it: `2026-11-22 09:09:53.802957863 +0000 UTC`. */
  updated?: string;
}

/** Helm's `updated` time as an ISO 8601 instant, or undefined when it is not in Helm's format. */
export function helmTime(updated: string | undefined): string | undefined {
  const m = updated?.match(
    /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/,
  );
  if (!m) return undefined;
  const ms = (m[3] ?? '.0').slice(1, 4).padEnd(3, '0');
  const time = new Date(`${m[1]}T${m[2]}.${ms}${m[4]}:${m[5]}`);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export interface ChartRef {
  /** A chart name in `repo`, or a local chart directory / archive. */
  chart: string;
  /** Chart repository URL (`--repo`); unset for a local chart. */
  repo?: string;
  version?: string;
}

export interface InstallOptions extends ChartRef {
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  timeoutSeconds: number;
  /** Release labels (Helm's release metadata, merged into an existing release's): the ownership marker. */
  labels?: Record<string, string>;
  /**
   * Use an existing release that does not carry this deployment's marker (adopted: never marked, kept by the
   * decommission); without it such a release is refused.
   */
  adopt?: boolean;
}

/** What `helm get metadata` says of a release (Helm's release labels, not its objects'). */
export interface ReleaseMetadata {
  chart: string;
  version: string;
  appVersion: string;
  labels: Record<string, string>;
}

/** What installing would do to a release: install, upgrade (with the values that differ), nothing, or recover first. */
export interface HelmPlan {
  action: 'install' | 'upgrade' | 'unchanged';
  /** A release left `pending-*` or `failed` by an interrupted or failed run, and how it will be recovered. */
  recovery?: 'rollback' | 'uninstall';
  current?: HelmRelease;
  /** The chart that would be installed, as its Chart.yaml names it. */
  chart: ChartMetadata;
  valueChanges?: Record<string, { current: unknown; desired: unknown }>;
}

/** A chart's name, version and app version (`helm show chart`). */
export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
}
