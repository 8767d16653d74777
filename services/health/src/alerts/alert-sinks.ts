import type { Dispatcher } from 'undici';
import type { HealthConfig } from '../config.js';
import type { AlertSink } from './alert.js';
import { DingTalkSink } from './dingtalk-sink.js';
import { WebhookSink } from './webhook-sink.js';

/** The alert destinations the configuration names: each webhook URL, then DingTalk if set. */
export function alertSinksFromConfig(config: HealthConfig, httpAgent: Dispatcher): AlertSink[] {
  const sinks: AlertSink[] = config.HEALTH_ALERT_WEBHOOK_URLS.map((url, index) =>
    WebhookSink(url, httpAgent, index + 1),
  );
  if (config.HEALTH_ALERT_DINGTALK_URL) {
    sinks.push(
      DingTalkSink({
        url: config.HEALTH_ALERT_DINGTALK_URL,
        secret: config.HEALTH_ALERT_DINGTALK_SECRET,
        msgtype: config.HEALTH_ALERT_DINGTALK_MSGTYPE,
        dispatcher: httpAgent,
      }),
    );
  }
  return sinks;
}
