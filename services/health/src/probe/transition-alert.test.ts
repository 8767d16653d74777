import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { dingTalkMessage, type AlertInput, type Alerts } from '@gateway/shared';
import { suspectReportFromProto } from '../api/request-mapping.js';
import { alertTransition } from './transition-alert.js';

/** A reporter name that passes ReportSuspect's validation and tries every markdown trick. */
const HOSTILE_REPORTER =
  'svc](https://evil.example/phish) **URGENT** <img src=x> `rm` ![i](https://evil.example/i.png) | a | ~~x~~';

function fired(reporter: string): AlertInput {
  const inputs: AlertInput[] = [];
  const recorder = { fire: (alert: AlertInput) => inputs.push(alert) } as unknown as Alerts;
  alertTransition(recorder, {
    spec: {
      ip: '10.0.0.1',
      healthUrl: 'http://10.0.0.1/healthz',
      ssh: { host: '10.0.0.1', port: 22, user: 'push' },
      configPath: '/etc/nginx/conf.d/gateway-upstreams.conf',
      label: 'edge',
    },
    status: 'DOWN',
    previous: 'UP',
    reason: 'connection refused',
    trigger: 'suspect',
    reporter,
    consecutiveFailures: 3,
  });
  assert.equal(inputs.length, 1);
  return inputs[0];
}

describe('the node-down alert of a suspect report, in DingTalk markdown', () => {
  it('shows the client-supplied reporter as inert text: no link, image, emphasis, HTML or table', () => {
    const report = suspectReportFromProto({
      reporter: HOSTILE_REPORTER,
      target: 'http://vip/',
      failureKind: 1,
      consecutiveFailures: 3,
    });
    const input = fired(report.reporter);
    const message = dingTalkMessage(
      { ...input, id: '1-0', state: 'firing', source: 'health', replica: 'r1', time: 0 },
      'markdown',
    ) as { markdown: { text: string } };
    const line = message.markdown.text.split('\n').find((text) => text.includes('reporter'));
    assert.ok(line, 'the reporter is in the message');
    assert.equal(
      line,
      '- **reporter**: svc\\]\\(https\\://evil.example/phish\\) \\*\\*URGENT\\*\\* \\<img src=x\\> \\`rm\\` !\\[i\\]\\(https\\://evil.example/i.png\\) \\| a \\| \\~\\~x\\~\\~',
    );
    assert.doesNotMatch(message.markdown.text, /[^\\]\]\(/, 'no unescaped link anywhere');
  });
});
