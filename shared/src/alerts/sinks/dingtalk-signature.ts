import { createHmac } from 'node:crypto';

/**
 * DingTalk robot signing: HMAC-SHA256 of `${timestamp}\n${secret}` keyed by the
 * secret, base64, URL-encoded; appended to the robot URL as `&timestamp=..&sign=..`.
 */
export function dingTalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The robot URL with `timestamp` and `sign` appended (unchanged when there is no secret). */
export function signedDingTalkUrl(
  url: string,
  secret: string | undefined,
  timestampMs: number,
): string {
  if (!secret) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}timestamp=${timestampMs}&sign=${encodeURIComponent(dingTalkSign(timestampMs, secret))}`;
}
