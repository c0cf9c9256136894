/**
 * The scaffolder validates step input against the JSON schema made from an action's zod schema, but does not
 * apply the schema's defaults: handlers apply them, from the same constants the schemas document.
 */
export function withDefaults<T extends object, D extends Partial<T>>(
  input: T,
  defaults: D,
): T & Required<Pick<T, Extract<keyof D, keyof T>>> {
  const given = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && v !== null),
  );
  return { ...defaults, ...given } as unknown as T &
    Required<Pick<T, Extract<keyof D, keyof T>>>;
}
