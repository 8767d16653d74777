import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/keys.js';
import { FieldViolation } from '../validation/field-violation.js';
import { parseAlertEntry } from './alert-record.js';
import type { AlertEvent } from './alert.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

/** A validated ListRecentAlerts request. */
export type RecentAlertsQuery = { readonly pageSize: number; readonly before: string | undefined };

/** Validates ListRecentAlerts' fields (INVALID_ARGUMENT naming the field). */
export function recentAlertsQuery(request: {
  pageSize: number;
  pageToken: string;
}): RecentAlertsQuery {
  if (
    !Number.isInteger(request.pageSize) ||
    request.pageSize < 0 ||
    request.pageSize > MAX_PAGE_SIZE
  )
    throw new FieldViolation(
      'page_size',
      `must be 0 (default ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE}`,
    );
  if (request.pageToken !== '' && !ENTRY_ID.test(request.pageToken))
    throw new FieldViolation('page_token', 'is not a token this service returned');
  return {
    pageSize: request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize,
    before: request.pageToken === '' ? undefined : request.pageToken,
  };
}

/**
 * The newest alerts of one service's outbox (`source`), older than `before` when given:
 * one XREVRANGE of at most pageSize + 1 entries (the read costs what it returns). The
 * outbox keeps its last <PREFIX>_ALERT_OUTBOX_MAXLEN entries, delivered or not; an
 * unreadable entry is skipped.
 */
export async function readRecentAlerts(
  redis: Redis,
  source: string,
  query: RecentAlertsQuery,
): Promise<{ alerts: AlertEvent[]; nextPageToken: string }> {
  const entries = (await redis.xrevrange(
    RedisKeys.alertOutbox(source),
    query.before ? `(${query.before}` : '+',
    '-',
    'COUNT',
    query.pageSize + 1,
  )) as Array<[string, string[]]>;
  const page = entries.slice(0, query.pageSize);
  const alerts: AlertEvent[] = [];
  for (const [id, fields] of page) {
    const at = fields.indexOf('payload');
    const event = parseAlertEntry(id, at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined);
    if (event) alerts.push(event);
  }
  const more = entries.length > query.pageSize;
  return { alerts, nextPageToken: more ? (page.at(-1)?.[0] ?? '') : '' };
}

/** An alert as the `Alert` message of health's and config-push's ListRecentAlerts. */
export function alertMessage(event: AlertEvent) {
  const details: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.details ?? {})) details[name] = String(value);
  return {
    id: event.id,
    key: event.key,
    kind: event.kind,
    message: event.message,
    state: event.state === 'firing' ? 1 : 2,
    node: event.node ?? '',
    revision: event.revision ?? 0,
    source: event.source,
    replica: event.replica,
    raiseTime: new Date(event.time),
    details,
  };
}
