import type { z as zod } from 'zod/v3';

/** An output that lists names (what an action created, deleted or kept), with what it lists. */
export const nameList = (description: string) => (z: typeof zod) =>
  z.array(z.string()).describe(description);
