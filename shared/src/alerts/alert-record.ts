import type { AlertDetail, AlertEvent, AlertInput, AlertState } from './alert.js';

/** An alert as written into the outbox entry's `payload` field (everything but the entry id). */
export type AlertRecord = Omit<AlertEvent, 'id'>;

const KEY = /^[\x21-\x7e]{1,200}$/;
const MAX_MESSAGE = 2_000;
const MAX_DETAIL = 500;
const MAX_DETAILS = 20;

/** The record of one transition: the input bounded (long text cut, at most 20 details). */
export function alertRecord(
  input: AlertInput,
  state: AlertState,
  origin: { source: string; replica: string; time: number },
): AlertRecord {
  if (!KEY.test(input.key))
    throw new Error(`alert key "${input.key.slice(0, 40)}" is not 1-200 printable characters`);
  const details: Record<string, AlertDetail> = {};
  for (const [name, value] of Object.entries(input.details ?? {}).slice(0, MAX_DETAILS))
    details[name.slice(0, 64)] = typeof value === 'string' ? value.slice(0, MAX_DETAIL) : value;
  return {
    key: input.key,
    kind: input.kind.slice(0, 64),
    message: input.message.slice(0, MAX_MESSAGE),
    ...(input.node !== undefined ? { node: input.node } : {}),
    ...(input.revision !== undefined ? { revision: input.revision } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    state,
    ...origin,
  };
}

/** Reads an outbox entry back; undefined when the payload is unreadable. */
export function parseAlertEntry(id: string, payload: string | undefined): AlertEvent | undefined {
  if (payload === undefined) return undefined;
  try {
    const record = JSON.parse(payload) as Partial<AlertRecord>;
    if (
      typeof record.key !== 'string' ||
      typeof record.kind !== 'string' ||
      typeof record.message !== 'string' ||
      (record.state !== 'firing' && record.state !== 'resolved') ||
      typeof record.source !== 'string' ||
      typeof record.replica !== 'string' ||
      typeof record.time !== 'number'
    )
      return undefined;
    return { ...(record as AlertRecord), id };
  } catch {
    return undefined;
  }
}
