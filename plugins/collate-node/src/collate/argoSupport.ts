import { type CollateApiLine, collateApiLineOf } from './apiLines';

/**
 * The Argo Workflows lines each Collate (OpenMetadata) line is known to run its ingestion with, and why: the Argo
 * that Collate's own Hybrid Runner chart bundles for the line, and the line this plugin set's status, workflow and
 * upgrade tests run against. Argo 4.x is in no line yet: no Collate chart bundles it and it is not tested here.
 * @public
 */
export const COLLATE_ARGO_SUPPORT: Readonly<
  Record<CollateApiLine, { argo: readonly string[]; basis: string }>
> = {
  '1.12': {
    argo: ['3.7'],
    basis:
      'the Hybrid Runner chart 1.12.x bundles Argo 3.7 (argo-workflows chart 0.45.26), and the guides pin 3.7.1',
  },
  '1.13': {
    argo: ['3.7'],
    basis: 'the Hybrid Runner chart 1.13.x still bundles Argo 3.7',
  },
  '2.0': {
    argo: ['3.7'],
    basis: 'this plugin set tests Collate 2.0 with Argo 3.7 only',
  },
};

/** The line of an Argo Workflows version or image tag (`v3.7.1` → `3.7`); undefined when it names none. @public */
export function argoLineOf(version: string): string | undefined {
  return /^v?(\d+\.\d+)(?:\.|$)/.exec(version.trim())?.[1];
}

/**
 * Why Collate `collateVersion` should not run its ingestion on Argo Workflows `argoVersion` (a version or an image
 * tag), or undefined when the pair is known to work. The sentence names the lines that work, why, and what to do.
 * @public
 */
export function argoSupportRefusal(
  collateVersion: string,
  argoVersion: string,
): string | undefined {
  const line = collateApiLineOf(collateVersion);
  if (!line) return undefined; // An unknown Collate line is refused where it is chosen (collateUpgradeRefusal).
  const { argo, basis } = COLLATE_ARGO_SUPPORT[line];
  const argoLine = argoLineOf(argoVersion);
  if (argoLine && argo.includes(argoLine)) return undefined;
  const lines = argo.join(' or ');
  return `Collate ${collateVersion} runs its ingestion on Argo Workflows ${lines} (${basis}); Argo ${argoVersion} is ${
    argoLine ? `the ${argoLine} line, which is` : 'a version that is'
  } not known to work with it. Install Argo ${lines} first (collate:argo:install, chart 0.45.x) and point the deployment at it`;
}
