import { InputError } from '@backstage/errors';

/** A route's `:operation`, one of the known ones, or an InputError listing them. */
export function operationParam<T extends string>(
  operation: string,
  known: readonly T[],
): T {
  if (!(known as readonly string[]).includes(operation))
    throw new InputError(
      `Unknown operation '${operation}'; one of ${known.join(', ')}`,
    );
  return operation as T;
}
