import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { redactUrl, withoutSecrets } from './redact.js';

describe('redactUrl', () => {
  it('hides the password and user of a Redis URL, keeps host, port and db', () => {
    assert.equal(
      redactUrl('redis://:s3cr3t-pw@redis.example:6380/2'),
      'redis://:***@redis.example:6380/2',
    );
    assert.equal(redactUrl('rediss://svc:pw%40x@10.0.0.1:6379'), 'rediss://***:***@10.0.0.1:6379');
  });

  it("hides a DingTalk robot's access token and signature, and webhook credentials", () => {
    const shown = redactUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123&timestamp=1&sign=xyz%2B',
    );
    assert.equal(
      shown,
      'https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=***',
    );
    assert.equal(
      redactUrl('https://alice:hunter2@hooks.example/alert?api_key=k1&channel=ops'),
      'https://***:***@hooks.example/alert?api_key=***&channel=ops',
    );
  });

  it('shows nothing of text that is not a URL', () => {
    assert.equal(redactUrl('hunter2 pasted by mistake'), '(25 characters, not shown)');
  });
});

describe('withoutSecrets', () => {
  it('replaces every occurrence of each secret and ignores unset ones', () => {
    assert.equal(
      withoutSecrets('bad passphrase "pp1" (pp1)', ['pp1', undefined, '']),
      'bad passphrase "***" (***)',
    );
  });
});
