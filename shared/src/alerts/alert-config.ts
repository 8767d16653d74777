import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.js';
import { durationMs, integer } from '../config/env-types.js';
import { redactUrl } from '../config/redact.js';
import type { AlertSink } from './sinks/alert-sink.js';
import { DingTalkSink } from './sinks/dingtalk-sink.js';
import { WebhookSink } from './sinks/webhook-sink.js';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const urlList = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return [] as string[];
    const urls = text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    for (const entry of urls) {
      if (!isHttpUrl(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `${redactUrl(entry).slice(0, 120)} is not an http(s) URL`,
        });
        return z.NEVER;
      }
    }
    return urls;
  });

const optionalUrl = z
  .string()
  .optional()
  .refine((text) => text === undefined || isHttpUrl(text), { message: 'must be an http(s) URL' });

const alertShape = {
  WEBHOOK_URLS: urlList,
  DINGTALK_URL: optionalUrl,
  DINGTALK_SECRET: z.string().max(256).optional(),
  DINGTALK_MSGTYPE: z
    .enum(['markdown', 'text'], { message: 'must be "markdown" or "text"' })
    .default('markdown'),
  TIMEOUT: durationMs({ min: 100, max: 60_000, default: 5_000 }),
  RETRY_BACKOFF: durationMs({ min: 10, max: 600_000, default: 1_000 }),
  RETRY_MAX_BACKOFF: durationMs({ min: 10, max: 3_600_000, default: 30_000 }),
  MAX_REFUSALS: integer({ min: 1, max: 100, default: 5 }),
  OUTBOX_MAXLEN: integer({ min: 10, max: 1_000_000, default: 10_000 }),
  POLL_INTERVAL: durationMs({ min: 50, max: 60_000, default: 1_000 }),
};

type AlertShape = typeof alertShape;
export type AlertConfigShape<P extends string> = {
  [K in keyof AlertShape as `${P}_ALERT_${K & string}`]: AlertShape[K];
};

/**
 * The alert variables of one service, `<PREFIX>_ALERT_*` (documented in docs/operations.md):
 * webhook URLs, a DingTalk robot, the attempt timeout, the retry backoff, refusals before
 * giving up, the outbox cap and how often the outbox is looked at.
 */
export function alertConfigShape<P extends string>(prefix: P): AlertConfigShape<P> {
  return Object.fromEntries(
    Object.entries(alertShape).map(([name, type]) => [`${prefix}_ALERT_${name}`, type]),
  ) as AlertConfigShape<P>;
}

/** Where and how one service delivers its alerts. */
export type AlertSettings = {
  readonly webhookUrls: readonly string[];
  readonly dingTalk:
    | {
        readonly url: string;
        readonly secret: string | undefined;
        readonly msgtype: 'markdown' | 'text';
      }
    | undefined;
  readonly attemptTimeoutMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly maxRefusals: number;
  readonly outboxMaxLength: number;
  readonly pollMs: number;
};

/** The settings out of a parsed configuration; a bad combination is a ConfigError naming the variable. */
export function alertSettings<P extends string>(prefix: P, config: object): AlertSettings {
  const read = <K extends keyof AlertShape>(name: K) =>
    (config as unknown as Record<string, unknown>)[`${prefix}_ALERT_${name}`] as z.infer<
      AlertShape[K]
    >;
  const url = read('DINGTALK_URL');
  const secret = read('DINGTALK_SECRET');
  const settings: AlertSettings = {
    webhookUrls: read('WEBHOOK_URLS'),
    dingTalk: url ? { url, secret, msgtype: read('DINGTALK_MSGTYPE') } : undefined,
    attemptTimeoutMs: read('TIMEOUT'),
    retryMinMs: read('RETRY_BACKOFF'),
    retryMaxMs: read('RETRY_MAX_BACKOFF'),
    maxRefusals: read('MAX_REFUSALS'),
    outboxMaxLength: read('OUTBOX_MAXLEN'),
    pollMs: read('POLL_INTERVAL'),
  };
  if (secret && !url)
    throw new ConfigError(
      `${prefix}_ALERT_DINGTALK_SECRET`,
      `is set but ${prefix}_ALERT_DINGTALK_URL is not`,
    );
  if (settings.retryMinMs > settings.retryMaxMs)
    throw new ConfigError(
      `${prefix}_ALERT_RETRY_BACKOFF`,
      `must not exceed ${prefix}_ALERT_RETRY_MAX_BACKOFF`,
    );
  return settings;
}

/** The sinks the settings name: each webhook URL (`webhook1`, `webhook2`, …), then DingTalk. */
export function alertSinks(settings: AlertSettings, httpAgent: Dispatcher): AlertSink[] {
  const sinks: AlertSink[] = settings.webhookUrls.map((url, index) =>
    WebhookSink({ url, name: `webhook${index + 1}`, dispatcher: httpAgent }),
  );
  if (settings.dingTalk) sinks.push(DingTalkSink({ ...settings.dingTalk, dispatcher: httpAgent }));
  return sinks;
}
