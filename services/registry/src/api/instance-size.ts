import type { Instance } from '@gateway/proto/registry';

/** Tag and a length varint of up to 3 bytes (2 MiB): enough for any field of an instance. */
const FRAMED = 1 + 3;
/** The wire size of every field but the strings, each at its largest. */
const FIXED_BYTES =
  FRAMED + // spec
  (1 + 5) * 3 + // port, weight, max_fails
  (FRAMED + 1 + 10 + 1 + 5) * 4 + // fail_timeout, register_time, lease_expire_time, lease_duration
  2 * 2 + // backup, admin_state
  1 +
  10; // revision

/**
 * An upper bound of `Instance.encode(instance).finish().length`, from the strings' UTF-8
 * lengths: a few percent above the exact size, and far cheaper than encoding (chunking a
 * snapshot sizes every instance once; the encoding happens once, when it is sent).
 */
export function instanceSizeBound(instance: Instance): number {
  let bytes =
    FIXED_BYTES +
    2 * FRAMED +
    Buffer.byteLength(instance.id) +
    Buffer.byteLength(instance.ownerToken);
  const spec = instance.spec;
  if (spec) {
    bytes += 2 * FRAMED + Buffer.byteLength(spec.group) + Buffer.byteLength(spec.host);
    for (const [key, value] of Object.entries(spec.metadata)) {
      bytes += 3 * FRAMED + Buffer.byteLength(key) + Buffer.byteLength(value);
    }
  }
  const quarantine = instance.quarantine;
  if (quarantine) {
    // The message, its two strings, two timestamps and a counter.
    bytes +=
      3 * FRAMED +
      Buffer.byteLength(quarantine.reason) +
      Buffer.byteLength(quarantine.nodeIp) +
      2 * (FRAMED + 1 + 10 + 1 + 5) +
      (1 + 10);
  }
  return bytes;
}
