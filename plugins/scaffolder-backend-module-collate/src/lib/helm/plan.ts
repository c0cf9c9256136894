import { isDeepStrictEqual } from 'node:util';
import type { Helm } from './Helm';
import type { HelmPlan, InstallOptions } from './types';

/**
 * What installing would do to a release, read from the cluster and the chart: install, upgrade (with the values and
 * chart that differ), nothing, or recover a release left pending or failed first.
 */
export async function planRelease(
  helm: Helm,
  options: InstallOptions,
): Promise<HelmPlan> {
  const [current, chart] = await Promise.all([
    helm.release(options.release, options.namespace),
    helm.chartMetadata(options),
  ]);
  if (!current) return { action: 'install', chart };
  if (current.status.startsWith('pending-') || current.status === 'failed') {
    const history = await helm.history(options.release, options.namespace);
    const deployed = history.some(
      h => h.status === 'deployed' || h.status === 'superseded',
    );
    return {
      action: deployed ? 'upgrade' : 'install',
      recovery: deployed ? 'rollback' : 'uninstall',
      current,
      chart,
    };
  }
  const values = await helm.userValues(options.release, options.namespace);
  const valueChanges = diffValues(values, options.values);
  const nameVersion = `${chart.name}-${chart.version}`;
  if (
    current.status === 'deployed' &&
    nameVersion === current.chart &&
    Object.keys(valueChanges).length === 0
  ) {
    return { action: 'unchanged', current, chart };
  }
  if (nameVersion !== current.chart)
    valueChanges.chart = {
      current: `${current.chart} (app ${current.app_version})`,
      desired: `${nameVersion} (app ${chart.appVersion ?? 'unknown'})`,
    };
  return { action: 'upgrade', current, chart, valueChanges };
}

/** Dot-path differences between two values trees (leaves and arrays compared whole). */
export function diffValues(
  current: unknown,
  desired: unknown,
  path = '',
): Record<string, { current: unknown; desired: unknown }> {
  const out: Record<string, { current: unknown; desired: unknown }> = {};
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(current) && isObject(desired)) {
    for (const key of new Set([
      ...Object.keys(current),
      ...Object.keys(desired),
    ])) {
      Object.assign(
        out,
        diffValues(current[key], desired[key], path ? `${path}.${key}` : key),
      );
    }
  } else if (!isDeepStrictEqual(current, desired)) {
    out[path] = { current, desired };
  }
  return out;
}
