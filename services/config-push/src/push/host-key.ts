import { createHash } from 'node:crypto';

/** A host public key: its type and the raw key blob (SSH wire format). */
export type HostKey = { readonly type: string; readonly blob: Buffer };

/** Parses "<type> <base64>" (an OpenSSH public key line, comment ignored). */
export function parseHostKeyLine(line: string): HostKey {
  const [type, base64] = line.trim().split(/\s+/);
  if (!type || !base64) throw new Error('not an OpenSSH public key line');
  const blob = Buffer.from(base64, 'base64');
  if (keyTypeOf(blob) !== type) throw new Error(`key blob is not of type ${type}`);
  return { type, blob };
}

/** The type string at the head of a key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** "SHA256:<base64>" as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The host key algorithms ssh2 must negotiate to get a key of `type` from the server. */
export function hostKeyAlgorithms(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}
