import { createHash } from 'node:crypto';

/** Stands in for ids that only exist after a create, in dry-run outputs. A valid GUID, so later steps validate. */
export const DRY_RUN_GUID = '00000000-0000-0000-0000-000000000000';

/** RFC 4122 version-5 UUID (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
}

/** The namespace of this module's deterministic names (itself a v5 UUID of the module name in the URL namespace). */
export const COLLATE_UUID_NAMESPACE = uuidV5(
  'backstage-plugin-scaffolder-backend-module-collate',
  '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
);

/** Serializes async work per key (e.g. writes to one identity's federated credentials) within this process. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.tails.set(key, next);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === next) this.tails.delete(key);
    }
  }
}
