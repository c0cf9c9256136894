import {
  compareChartVersions,
  isHelmReleaseStuck,
  openMetadataVersionOfImageTag,
  parseHelmChartLabel,
} from './versions';

describe('parseHelmChartLabel', () => {
  it.each([
    ['argo-workflows-0.45.23', 'argo-workflows', '0.45.23'],
    ['openmetadata-1.12.3', 'openmetadata', '1.12.3'],
    [
      'hybrid-ingestion-runner-1.13.0-rc.1',
      'hybrid-ingestion-runner',
      '1.13.0-rc.1',
    ],
  ])('%s', (label, chart, version) =>
    expect(parseHelmChartLabel(label)).toEqual({ chart, version }),
  );
  it('is undefined without a version', () => {
    expect(parseHelmChartLabel('openmetadata')).toBeUndefined();
    expect(parseHelmChartLabel(undefined)).toBeUndefined();
  });
});

describe('openMetadataVersionOfImageTag', () => {
  it.each([
    ['om-1.12.3-cl-1.12.3', '1.12.3'],
    ['1.12.4', '1.12.4'],
    ['latest', undefined],
    [undefined, undefined],
  ])('%s → %s', (tag, version) =>
    expect(openMetadataVersionOfImageTag(tag)).toBe(version),
  );
});

describe('isHelmReleaseStuck', () => {
  it.each(['pending-install', 'pending-upgrade', 'pending-rollback', 'failed'])(
    '%s is stuck',
    status => expect(isHelmReleaseStuck(status)).toBe(true),
  );
  it.each(['deployed', 'superseded', 'uninstalling', 'unknown'])(
    '%s is not',
    status => expect(isHelmReleaseStuck(status)).toBe(false),
  );
});

describe('compareChartVersions', () => {
  it('compares part by part as numbers, a pre-release before its release', () => {
    expect(compareChartVersions('1.12.10', '1.12.9')).toBe(1);
    expect(compareChartVersions('1.12.3', '1.12.3')).toBe(0);
    expect(compareChartVersions('1.11.12', '1.12.0')).toBe(-1);
    expect(compareChartVersions('1.13.0-rc1', '1.13.0')).toBe(-1);
    expect(compareChartVersions('v1.2', '1.2.0')).toBe(0);
  });
});
