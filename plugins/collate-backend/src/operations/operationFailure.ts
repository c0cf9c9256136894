import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * The one rule for an upstream's refusal of an operation made from a card: no answer (status 0) is a 503, an unknown
 * target a 404, any other refusal a 409 that carries the upstream's reason.
 */
export function operationFailure(
  status: number,
  says: { unreachable: string; notFound: string; refused: string },
): Error {
  if (status === 0) return new ServiceUnavailableError(says.unreachable);
  if (status === 404) return new NotFoundError(says.notFound);
  return new ConflictError(says.refused);
}

/** `fetch`, with no answer turned into a 503, as {@link operationFailure} says. */
export async function fetchUpstream(
  url: string,
  init: RequestInit,
  unreachable: string,
): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw new ServiceUnavailableError(
      `${unreachable}: ${(e as Error).message}`,
    );
  }
}
