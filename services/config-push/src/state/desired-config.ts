import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  RedisKeys,
  readDesiredPiecesScript,
  readDesiredSummaryScript,
  setDesiredConfigScript,
} from '@gateway/shared';

/** The last accepted render: what every node is asked to run. */
export type DesiredConfig = {
  /** The store epoch `revision` counts in ('' for a record older than epochs). */
  readonly epoch: string;
  readonly revision: number;
  readonly hash: string;
  /** The file, as chunks (concatenated, they are the file). */
  readonly content: readonly Buffer[];
  readonly servers: number;
  readonly groups: readonly string[];
  /** Epoch ms when it was accepted. */
  readonly time: number;
  /** Fence of the lease term that accepted it. */
  readonly fence: number;
};

/** What a desired config is, without its file. */
export type DesiredSummary = Pick<
  DesiredConfig,
  'epoch' | 'revision' | 'hash' | 'time' | 'servers'
>;

const desiredShape = z.object({
  epoch: z.string().max(64).default(''),
  revision: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  content: z.string(),
  servers: z.number().int().nonnegative(),
  groups: z.array(z.string()),
  time: z.number(),
  fence: z.number().int().nonnegative(),
});

/** Bytes of the record per piece of a read: every reply stays small. */
const READ_PIECE_BYTES = 256 * 1024;

/**
 * Reads the record atomically in pieces (readDesiredPiecesScript). The record is ASCII (the
 * renderer writes printable ASCII; groups and epochs are ASCII), so no character straddles
 * two pieces.
 */
export async function readDesiredConfig(redis: Redis): Promise<DesiredConfig | undefined> {
  const pieces = (await readDesiredPiecesScript.run(
    redis,
    [RedisKeys.pushDesired],
    [READ_PIECE_BYTES],
  )) as string[];
  if (!Array.isArray(pieces) || pieces.length === 0) return undefined;
  const parsed = desiredShape.parse(JSON.parse(pieces.join('')));
  return { ...parsed, content: [Buffer.from(parsed.content, 'utf8')] };
}

/**
 * The desired config's epoch, revision, hash, time and servers, read in Redis (its file never
 * crosses the network): for whoever only compares revisions.
 */
export async function readDesiredSummary(redis: Redis): Promise<DesiredSummary | undefined> {
  const reply = (await readDesiredSummaryScript.run(redis, [RedisKeys.pushDesired], [])) as
    string[] | null;
  if (!Array.isArray(reply) || reply.length < 5) return undefined;
  return {
    epoch: reply[0],
    revision: Number(reply[1]),
    hash: reply[2],
    time: Number(reply[3]),
    servers: Number(reply[4]),
  };
}

/**
 * Writes it under the lease term `leaseValue`: 'written', 'fenced' (not the holder) or
 * 'older' (the recorded one has a newer (epoch, revision)).
 */
export async function writeDesiredConfig(
  redis: Redis,
  leaseValue: string,
  desired: DesiredConfig,
): Promise<'written' | 'fenced' | 'older'> {
  const reply = Number(
    await setDesiredConfigScript.run(
      redis,
      [RedisKeys.pushLeader, RedisKeys.pushDesired],
      [leaseValue, desired.revision, desiredJson(desired), desired.epoch],
    ),
  );
  return reply === 1 ? 'written' : reply === 0 ? 'fenced' : 'older';
}

/**
 * The record as JSON (the fields in the order JSON.stringify gives them, the file as one
 * string field), built as one Buffer from the chunks: no string of the whole file.
 */
export function desiredJson(desired: DesiredConfig): Buffer {
  const { content, ...rest } = desired;
  const head = JSON.stringify({ epoch: rest.epoch, revision: rest.revision, hash: rest.hash });
  const tail = JSON.stringify({
    servers: rest.servers,
    groups: rest.groups,
    time: rest.time,
    fence: rest.fence,
  });
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"content":"`)];
  // Escaping is per character: the escaped chunks, joined, are the escaped file (chunks
  // are cut between characters).
  for (const chunk of content)
    parts.push(Buffer.from(JSON.stringify(chunk.toString('utf8')).slice(1, -1)));
  parts.push(Buffer.from(`",${tail.slice(1)}`));
  return Buffer.concat(parts);
}
