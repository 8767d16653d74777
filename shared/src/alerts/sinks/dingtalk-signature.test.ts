import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { dingTalkSign, signedDingTalkUrl } from './dingtalk-signature.js';

describe('DingTalk robot signature', () => {
  // Computed with the recipe of DingTalk's documentation (Python: hmac.new(secret,
  // f"{timestamp}\n{secret}", sha256), base64, then URL-encoded).
  const SECRET = 'SEC000000000000000000000';
  const TIMESTAMP = 1_700_000_000_000;

  it('signs timestamp and secret with HMAC-SHA256 keyed by the secret, in base64', () => {
    assert.equal(dingTalkSign(TIMESTAMP, SECRET), '1zJ/w34EOSVAYr7cu7Vo8LnebmK2/GrCgegtr8mQrqM=');
  });

  it('appends timestamp and URL-encoded sign to the robot URL', () => {
    const url = signedDingTalkUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      SECRET,
      TIMESTAMP,
    );
    const parsed = new URL(url);
    assert.equal(parsed.searchParams.get('access_token'), 'abc');
    assert.equal(parsed.searchParams.get('timestamp'), String(TIMESTAMP));
    assert.equal(parsed.searchParams.get('sign'), dingTalkSign(TIMESTAMP, SECRET));
    assert.ok(url.endsWith('&sign=1zJ%2Fw34EOSVAYr7cu7Vo8LnebmK2%2FGrCgegtr8mQrqM%3D'), url);
    assert.equal(
      signedDingTalkUrl('http://127.0.0.1:9/hook', SECRET, 1),
      `http://127.0.0.1:9/hook?timestamp=1&sign=${encodeURIComponent(dingTalkSign(1, SECRET))}`,
    );
  });

  it('leaves the URL alone without a secret', () => {
    assert.equal(
      signedDingTalkUrl('https://x.example/robot', undefined, 5),
      'https://x.example/robot',
    );
  });
});
