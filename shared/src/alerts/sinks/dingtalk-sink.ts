import { request, type Dispatcher } from 'undici';
import type { AlertEvent } from '../alert.js';
import { DeliveryRefused, httpFailure, type AlertSink } from './alert-sink.js';
import { signedDingTalkUrl } from './dingtalk-signature.js';
import { markdownText } from './markdown-text.js';

/** DingTalk's "too many messages" error codes: retried like an outage, never a refusal. */
const RATE_LIMITED = new Set([130101, 410100]);

/** The DingTalk robot message (`msgtype` text or markdown); text from outside is escaped in markdown. */
export function dingTalkMessage(
  event: AlertEvent,
  msgtype: 'markdown' | 'text',
): Record<string, unknown> {
  const time = new Date(event.time).toISOString();
  const details = Object.entries(event.details ?? {});
  const state = event.state === 'firing' ? 'FIRING' : 'RESOLVED';
  if (msgtype === 'text') {
    return {
      msgtype: 'text',
      text: {
        content: [
          `[gateway ${event.source}] ${state}: ${event.message}`,
          `time: ${time}`,
          ...(event.node !== undefined ? [`node: ${event.node}`] : []),
          ...details.map(([name, value]) => `${name}: ${String(value)}`),
        ].join('\n'),
      },
    };
  }
  const mark = event.state === 'firing' ? '🔴' : '🟢';
  return {
    msgtype: 'markdown',
    markdown: {
      title: `[gateway ${event.source}] ${state} ${event.kind}${event.node !== undefined ? ` ${event.node}` : ''}`,
      text: [
        `### ${mark} [gateway ${event.source}] ${state}: ${markdownText(event.kind, 64)}`,
        `- **message**: ${markdownText(event.message)}`,
        ...(event.node !== undefined ? [`- **node**: ${markdownText(event.node, 100)}`] : []),
        ...(event.revision !== undefined ? [`- **revision**: ${event.revision}`] : []),
        ...details.map(
          ([name, value]) => `- **${markdownText(name, 64)}**: ${markdownText(String(value))}`,
        ),
        `- **replica**: ${markdownText(event.replica, 128)}`,
        `- **time**: ${time}`,
      ].join('\n'),
    },
  };
}

/**
 * Posts to a DingTalk custom robot, signed afresh for each attempt when a secret is set.
 * DingTalk answers HTTP 200 with `{"errcode":0}` on success; another errcode is a refusal
 * (retried a bounded number of times), except rate limiting (retried like an outage).
 */
export function DingTalkSink(options: {
  url: string;
  secret: string | undefined;
  msgtype: 'markdown' | 'text';
  dispatcher: Dispatcher;
}): AlertSink {
  return {
    name: 'dingtalk',
    async send(event, signal) {
      const response = await request(signedDingTalkUrl(options.url, options.secret, Date.now()), {
        method: 'POST',
        dispatcher: options.dispatcher,
        signal,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'gateway-alerts',
        },
        body: JSON.stringify(dingTalkMessage(event, options.msgtype)),
      });
      const text = (await response.body.text()).slice(0, 500);
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw httpFailure('dingtalk', response.statusCode, text);
      let errcode: unknown;
      try {
        errcode = (JSON.parse(text) as { errcode?: unknown }).errcode;
      } catch {
        throw new Error(`dingtalk answered something that is not JSON: ${text.slice(0, 100)}`);
      }
      if (errcode === 0) return;
      if (typeof errcode === 'number' && RATE_LIMITED.has(errcode))
        throw new Error(`dingtalk rate-limited the robot: ${text}`);
      throw new DeliveryRefused(`dingtalk refused the message: ${text}`);
    },
  };
}
