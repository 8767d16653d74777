/**
 * Checks the key data of an OpenSSH public key line against its declared type, by
 * reading the SSH wire format (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709): the blob must
 * start with the same type string and hold exactly the fields of that type. Returns
 * why the key is unusable, or undefined when it is well-formed.
 */
export function sshPublicKeyProblem(type: string, base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.replace(/=+$/, '').length % 4 === 1)
    return 'its key data is not base64';
  const reader = WireReader(Buffer.from(base64, 'base64'));
  const embedded = reader.string()?.toString('latin1');
  if (embedded === undefined) return 'its key data does not parse as an SSH public key';
  if (embedded !== type)
    return `its key data is a ${printable(embedded)} key, not the declared ${type}`;
  const fieldsProblem = checkFields(type, reader);
  if (fieldsProblem) return fieldsProblem;
  if (!reader.atEnd()) return `its key data has trailing bytes after the ${type} key`;
  return undefined;
}

const CURVES: Record<string, { name: string; pointLength: number }> = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', pointLength: 65 },
  'ecdsa-sha2-nistp384': { name: 'nistp384', pointLength: 97 },
  'ecdsa-sha2-nistp521': { name: 'nistp521', pointLength: 133 },
};

function checkFields(type: string, reader: WireReader): string | undefined {
  const broken = `its key data does not parse as an ${type} key`;
  if (type === 'ssh-ed25519') return reader.string()?.length === 32 ? undefined : broken;
  if (type === 'ssh-rsa') {
    const exponent = reader.string();
    const modulus = reader.string();
    if (!exponent || !modulus || exponent.length === 0) return broken;
    const bits = (modulus.length - (modulus[0] === 0 ? 1 : 0)) * 8;
    return bits < 1024 ? `its ${type} modulus has ${bits} bits (at least 1024 needed)` : undefined;
  }
  const curve = CURVES[type];
  if (curve) {
    const name = reader.string()?.toString('latin1');
    const point = reader.string();
    if (name !== curve.name || !point || point.length !== curve.pointLength || point[0] !== 4)
      return broken;
    return undefined;
  }
  return `${type} is not a supported key type`;
}

type WireReader = { string(): Buffer | undefined; atEnd(): boolean };

function WireReader(blob: Buffer): WireReader {
  let offset = 0;
  return {
    string() {
      if (offset + 4 > blob.length) return undefined;
      const length = blob.readUInt32BE(offset);
      if (offset + 4 + length > blob.length) return undefined;
      const value = blob.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      return value;
    },
    atEnd: () => offset === blob.length,
  };
}

function printable(text: string): string {
  return /^[\x21-\x7e]{1,40}$/.test(text) ? text : 'differently typed';
}
