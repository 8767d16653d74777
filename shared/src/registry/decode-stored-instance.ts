import { z } from 'zod';
import { checkInstanceSpec } from './instance-spec-rules.js';
import { instanceId } from './instance-id.js';
import type { StoredInstance } from './instance.js';

const storedInstanceShape = z.object({
  id: z.string(),
  revision: z.number().int().nonnegative(),
  registerTime: z.number().int().nonnegative(),
  leaseMs: z.number().int().positive(),
  fingerprint: z.string(),
  owner: z.string().optional(),
  spec: z.object({
    group: z.string(),
    host: z.string(),
    port: z.number(),
    weight: z.number(),
    maxFails: z.number().optional(),
    failTimeoutSeconds: z.number().optional(),
    backup: z.boolean(),
    adminState: z.enum(['enabled', 'draining']),
    metadata: z.record(z.string(), z.string()),
  }),
});

/**
 * Parses one value of the hash `nginx:gateway:instances` and validates its spec
 * again with the same rules as Register: whoever wrote it, an invalid entry never
 * reaches a renderer. Throws on anything malformed.
 */
export function decodeStoredInstance(field: string, json: string): StoredInstance {
  const raw = storedInstanceShape.parse(JSON.parse(json));
  const spec = checkInstanceSpec(raw.spec, `instances[${field}].spec`);
  if (raw.id !== field || instanceId(spec) !== field) {
    throw new Error(
      `instance ${JSON.stringify(field)} holds a value whose id or spec does not match its field`,
    );
  }
  return { ...raw, spec };
}
