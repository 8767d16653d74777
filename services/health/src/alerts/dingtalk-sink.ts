import { request, type Dispatcher } from 'undici';
import type { Alert, AlertSink } from './alert.js';
import { alertHeadline } from './alert.js';
import { signedDingTalkUrl } from './dingtalk-signature.js';

/** The DingTalk robot message (`msgtype` text or markdown). */
export function dingTalkMessage(
  alert: Alert,
  msgtype: 'markdown' | 'text',
): Record<string, unknown> {
  const headline = alertHeadline(alert);
  const time = new Date(alert.time).toISOString();
  if (msgtype === 'text') {
    return {
      msgtype: 'text',
      text: {
        content: `[gateway health] ${headline}\ntime: ${time}\nhealth URL: ${alert.healthUrl}`,
      },
    };
  }
  const mark = alert.status === 'DOWN' ? '🔴' : '🟢';
  return {
    msgtype: 'markdown',
    markdown: {
      title: `[gateway health] ${alert.ip} ${alert.status}`,
      text: [
        `### ${mark} [gateway health] ${alert.ip} is ${alert.status}`,
        `- **node**: ${alert.ip}${alert.label ? ` (${alert.label})` : ''}`,
        `- **status**: ${alert.previous ?? '-'} → ${alert.status}`,
        `- **reason**: ${alert.reason}`,
        `- **time**: ${time}`,
        `- **trigger**: ${alert.trigger}${alert.reporter ? ` (reported by ${alert.reporter})` : ''}`,
        `- **health URL**: ${alert.healthUrl}`,
      ].join('\n'),
    },
  };
}

/**
 * Posts to a DingTalk custom robot, signed when a secret is set. DingTalk answers HTTP
 * 200 with `{"errcode":0}` on success; any other errcode is a failed delivery.
 */
export function DingTalkSink(options: {
  url: string;
  secret: string | undefined;
  msgtype: 'markdown' | 'text';
  dispatcher: Dispatcher;
}): AlertSink {
  return {
    name: 'dingtalk',
    async send(alert, signal) {
      const response = await request(signedDingTalkUrl(options.url, options.secret, Date.now()), {
        method: 'POST',
        dispatcher: options.dispatcher,
        signal,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'gateway-health',
        },
        body: JSON.stringify(dingTalkMessage(alert, options.msgtype)),
      });
      const text = (await response.body.text()).slice(0, 500);
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new Error(`dingtalk answered HTTP ${response.statusCode}: ${text}`);
      let errcode: unknown;
      try {
        errcode = (JSON.parse(text) as { errcode?: unknown }).errcode;
      } catch {
        throw new Error(`dingtalk answered something that is not JSON: ${text.slice(0, 100)}`);
      }
      if (errcode !== 0) throw new Error(`dingtalk refused the message: ${text}`);
    },
  };
}
