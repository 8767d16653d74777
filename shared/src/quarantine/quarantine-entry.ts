import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RedisKeys } from '../redis/keys.js';

/** Why an instance is left out of every render, and when it is tried again. */
export type QuarantineEntry = {
  readonly id: string;
  /** The spec fingerprint quarantined: a re-registration with another spec is tried at once. */
  readonly fingerprint: string;
  /** What nginx said (or how the bisection found it). */
  readonly reason: string;
  /** The node whose `nginx -t` refused it. */
  readonly node: string;
  /** Epoch ms when it was quarantined. */
  readonly since: number;
  /** Re-tests that failed since. */
  readonly checks: number;
  /** Epoch ms of the next re-test. */
  readonly nextCheckAt: number;
};

const entryShape = z.object({
  id: z.string(),
  fingerprint: z.string(),
  reason: z.string(),
  node: z.string(),
  since: z.number(),
  checks: z.number().int().nonnegative(),
  nextCheckAt: z.number(),
});

/** Every quarantined instance (the hash is bounded), by id; damaged entries are skipped. */
export async function readQuarantine(redis: Redis): Promise<Map<string, QuarantineEntry>> {
  const hash = await redis.hgetall(RedisKeys.pushQuarantine);
  const entries = new Map<string, QuarantineEntry>();
  for (const [id, json] of Object.entries(hash)) {
    const entry = parseQuarantineEntry(json);
    if (entry && entry.id === id) entries.set(id, entry);
  }
  return entries;
}

/** One instance's entry, or undefined when it is not quarantined. */
export async function readQuarantineEntry(
  redis: Redis,
  id: string,
): Promise<QuarantineEntry | undefined> {
  const json = await redis.hget(RedisKeys.pushQuarantine, id);
  return json === null ? undefined : parseQuarantineEntry(json);
}

export function parseQuarantineEntry(json: string): QuarantineEntry | undefined {
  try {
    const parsed = entryShape.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A message of the quarantine changes channel. */
export type QuarantineChange = { readonly type: 'QUARANTINED' | 'READMITTED'; readonly id: string };

export function parseQuarantineChange(message: string): QuarantineChange | undefined {
  try {
    const raw = JSON.parse(message) as Partial<QuarantineChange>;
    if ((raw.type === 'QUARANTINED' || raw.type === 'READMITTED') && typeof raw.id === 'string')
      return { type: raw.type, id: raw.id };
  } catch {
    // not one
  }
  return undefined;
}
