import {
  COLLATE_ARGO_SUPPORT,
  argoLineOf,
  argoSupportRefusal,
} from './argoSupport';
import { COLLATE_API_LINES } from './apiLines';

describe('argoLineOf', () => {
  it.each([
    ['v3.7.1', '3.7'],
    ['3.7.2', '3.7'],
    ['v4.0.5', '4.0'],
    ['v3.10.0', '3.10'],
    ['latest', undefined],
    ['', undefined],
  ])('%s is line %s', (version, line) =>
    expect(argoLineOf(version)).toBe(line),
  );
});

describe('argoSupportRefusal', () => {
  it('names a line for every Collate line the plugin set reads', () =>
    expect(Object.keys(COLLATE_ARGO_SUPPORT).sort()).toEqual(
      [...COLLATE_API_LINES].sort(),
    ));

  it.each([
    ['1.12.3', 'v3.7.1'],
    ['1.13.6', 'v3.7.2'],
    ['2.0.7', '3.7.1'],
    // A Collate line the plugin set does not read is refused where it is chosen, not here.
    ['2.1.0', 'v4.1.0'],
  ])('lets Collate %s run on Argo %s', (collate, argo) =>
    expect(argoSupportRefusal(collate, argo)).toBeUndefined(),
  );

  it('refuses Argo 4 for every line, saying which line works, why, and what to do', () => {
    expect(argoSupportRefusal('1.13.6', 'v4.0.5')).toBe(
      'Collate 1.13.6 runs its ingestion on Argo Workflows 3.7 (the Hybrid Runner chart 1.13.x still bundles Argo 3.7); Argo v4.0.5 is the 4.0 line, which is not known to work with it. Install Argo 3.7 first (collate:argo:install, chart 0.45.x) and point the deployment at it',
    );
    expect(argoSupportRefusal('2.0.7', 'v4.1.2')).toMatch(
      /^Collate 2\.0\.7 runs its ingestion on Argo Workflows 3\.7 \(this plugin set tests Collate 2\.0 with Argo 3\.7 only\); Argo v4\.1\.2 is the 4\.1 line/,
    );
  });

  it('refuses an older line and a tag that names no version', () => {
    expect(argoSupportRefusal('1.12.3', 'v3.5.8')).toMatch(
      /Argo v3\.5\.8 is the 3\.5 line, which is not known to work with it/,
    );
    expect(argoSupportRefusal('1.12.3', 'latest')).toMatch(
      /Argo latest is a version that is not known to work with it/,
    );
  });
});
