/** Query parameters whose value is a credential (DingTalk's access_token, signatures, keys). */
const SECRET_PARAMETER = /token|secret|sign|key|pass|auth|credential|session/i;
const HIDDEN = '***';

/**
 * A URL fit for an error or a log line: userinfo (user and password) and the value of
 * every credential-like query parameter replaced by `***`. Text that is not a URL is not
 * shown at all (it may be a secret pasted into the wrong variable).
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `(${text.length} characters, not shown)`;
  }
  if (url.username) url.username = HIDDEN;
  if (url.password) url.password = HIDDEN;
  for (const name of [...url.searchParams.keys()])
    if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, HIDDEN);
  return url.toString().replaceAll(encodeURIComponent(HIDDEN), HIDDEN);
}

/** `text` with each of `secrets` (ignoring empty ones) replaced by `***`. */
export function withoutSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text;
  for (const secret of secrets) if (secret) result = result.replaceAll(secret, HIDDEN);
  return result;
}
