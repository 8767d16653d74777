import { FieldViolation } from '@gateway/shared';

type PagePosition = { readonly after: string; readonly group: string };

/**
 * Opaque page token: the last id of the previous page and the filter it was for. The next
 * page starts right after that id in the id index (ZRANGEBYLEX), so a token stays valid
 * whatever changes meanwhile: instances added before it are not seen, none is seen twice.
 */
export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodePageToken(token: string, group: string): string | undefined {
  if (token === '') return undefined;
  if (token.length > 1024)
    throw new FieldViolation('page_token', 'is not a token returned by ListInstances');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new FieldViolation('page_token', 'is not a token returned by ListInstances');
  }
  // Any JSON parses: `null`, a number or an array is no position either.
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new FieldViolation('page_token', 'is not a token returned by ListInstances');
  const position = parsed as Partial<PagePosition>;
  if (typeof position.after === 'string' && position.after.length > 330) {
    throw new FieldViolation('page_token', 'is not a token returned by ListInstances');
  }
  if (typeof position.after !== 'string' || position.group !== group) {
    throw new FieldViolation(
      'page_token',
      'does not belong to this query (was the group filter changed?)',
    );
  }
  return position.after;
}
