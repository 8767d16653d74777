/**
 * Just enough of the protobuf wire format to write malformed messages by hand: varints
 * (including over-long ones), tags with any wire type, length-delimited fields.
 */

/** The shape of a request message: field number → scalar kind or nested message shape. */
export type MessageShape = { readonly [field: number]: FieldShape };
/** `varint`: ints, bools, enums; `string`: UTF-8 text; a shape: a nested message (or map entry). */
export type FieldShape = 'varint' | 'string' | MessageShape;

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** A base-128 varint of `value` (a uint64; larger values keep going, which decoders refuse). */
export function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value < 0n ? BigInt.asUintN(64, value) : value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

/** A varint of `value` padded with continuation bytes to `length` bytes (over-long when > 10). */
export function paddedVarint(value: number, length: number): Buffer {
  const bytes = [...varint(BigInt(value))];
  while (bytes.length < length) {
    bytes[bytes.length - 1] |= 0x80;
    bytes.push(0);
  }
  return Buffer.from(bytes);
}

export function tag(field: number, wireType: number): Buffer {
  return varint((BigInt(field) << 3n) | BigInt(wireType));
}

export function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, WireType.LEN), varint(BigInt(payload.length)), payload]);
}

export function varintField(field: number, value: bigint): Buffer {
  return Buffer.concat([tag(field, WireType.VARINT), varint(value)]);
}
