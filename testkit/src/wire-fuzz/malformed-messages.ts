import {
  lengthDelimited,
  paddedVarint,
  tag,
  varint,
  varintField,
  WireType,
  type FieldShape,
  type MessageShape,
} from './protobuf-wire.js';
import { SeededRandom } from './seeded-random.js';

/** One fuzz case: the bytes of a request message and how they were made. */
export type FuzzCase = { readonly strategy: FuzzStrategy; readonly bytes: Buffer };

export const FUZZ_STRATEGIES = [
  'random-bytes',
  'truncated',
  'byte-mutation',
  'wrong-wire-type',
  'invalid-wire-type',
  'huge-varint',
  'invalid-utf8',
  'hostile-values',
  'unknown-fields',
] as const;
export type FuzzStrategy = (typeof FUZZ_STRATEGIES)[number];

const BOUNDARY_VARINTS: readonly bigint[] = [
  0n,
  1n,
  2n,
  5n,
  6n,
  100n,
  101n,
  1000n,
  1001n,
  3600n,
  3601n,
  65_535n,
  65_536n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 63n - 1n,
  2n ** 64n - 1n,
  -1n,
  -(2n ** 31n),
];

const HOSTILE_TEXT: readonly string[] = [
  '',
  ' ',
  ';',
  '{',
  '}',
  '"',
  "'",
  '$host',
  '\n',
  '\r\n',
  '\u0000',
  '\u001b[2J',
  '\u2028',
  '#',
  '\\',
  '10.0.0.1;\n}\nserver { listen 80',
  'default/10.0.0.1/80',
  'default/10.0.0.1/80;',
  '10.0.0.1',
  '::1',
  '[::1]',
  'fe80::1%eth0',
  'unix',
  '__proto__',
  'constructor',
  'null',
  'bnVsbA',
  'MQ',
  'W10',
  'e30',
  'eyJhZnRlciI6bnVsbCwiZ3JvdXAiOiIifQ',
  'http://10.0.0.1@evil.example/',
  '/etc/nginx/../shadow.conf',
  'ssh-ed25519 AAAA\nssh-rsa BBBB',
  'édge — 節点 🚀',
];

/** Byte sequences that are not UTF-8: lone continuation, over-long, surrogate, beyond U+10FFFF, cut. */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0x80],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

/**
 * An endless, reproducible stream of malformed or hostile encodings of a request message:
 * random bytes, truncated and mutated valid messages, wrong and invalid wire types, huge and
 * over-long varints, lengths past the end, invalid UTF-8, hostile values of the right types,
 * and unknown fields. `validSamples` are encodings of valid requests (at least one).
 */
export function* malformedMessages(options: {
  shape: MessageShape;
  validSamples: readonly Buffer[];
  seed: number;
}): Generator<FuzzCase> {
  const random = SeededRandom(options.seed);
  // A request with no fields (e.g. ListNodesRequest) is still fuzzed with fields it does not know.
  const shape: MessageShape =
    Object.keys(options.shape).length > 0 ? options.shape : { 1: 'string', 2: 'varint' };
  const samples = options.validSamples.length > 0 ? options.validSamples : [Buffer.alloc(0)];
  const sample = () => random.pick(samples);
  const fieldsOf = (message: MessageShape) => Object.keys(message).map(Number);

  const hostileString = (): Buffer => {
    switch (random.below(6)) {
      case 0:
        return Buffer.from(random.pick(HOSTILE_TEXT), 'utf8');
      case 1:
        return Buffer.concat([
          Buffer.from('a'),
          Buffer.from(random.pick(INVALID_UTF8)),
          Buffer.from('b'),
        ]);
      case 2:
        return Buffer.alloc(random.pick([64, 65, 129, 254, 331, 513, 1025, 8193]), 'a');
      case 3:
        // Longer than any field may be (8,192), well under the 1 MiB message bound.
        return Buffer.alloc(random.pick([9_000, 20_000, 66_000]), random.pick(['a', '{', '\n']));
      case 4:
        return random.bytes(random.below(40));
      default:
        return Buffer.from(
          Array.from({ length: 1 + random.below(5) }, () => random.pick(HOSTILE_TEXT)).join(
            random.pick(['', '/', '.', ':']),
          ),
          'utf8',
        );
    }
  };
  const boundaryVarint = (): bigint =>
    random.below(4) === 0 ? BigInt(random.below(2 ** 31)) : random.pick(BOUNDARY_VARINTS);

  /** A field of the right wire type with a hostile value. */
  const hostileField = (field: number, kind: FieldShape, depth: number): Buffer => {
    if (kind === 'varint') return varintField(field, boundaryVarint());
    if (kind === 'string') return lengthDelimited(field, hostileString());
    return lengthDelimited(
      field,
      depth > 3 || random.below(8) === 0
        ? random.bytes(random.below(24))
        : hostileMessage(kind, depth + 1),
    );
  };
  /** A field whose wire type does not match its declared kind. */
  const wrongWireField = (field: number, kind: FieldShape): Buffer => {
    const wrong = [
      WireType.VARINT,
      WireType.I64,
      WireType.LEN,
      WireType.I32,
      WireType.SGROUP,
    ].filter((wireType) => wireType !== (kind === 'varint' ? WireType.VARINT : WireType.LEN));
    const wireType = random.pick(wrong);
    const head = tag(field, wireType);
    switch (wireType) {
      case WireType.VARINT:
        return Buffer.concat([head, varint(boundaryVarint())]);
      case WireType.I64:
        return Buffer.concat([head, random.bytes(8)]);
      case WireType.I32:
        return Buffer.concat([head, random.bytes(4)]);
      case WireType.SGROUP:
        return Buffer.concat([head, random.bytes(random.below(6)), tag(field, WireType.EGROUP)]);
      default:
        return lengthDelimited(field, hostileString());
    }
  };
  const hostileMessage = (message: MessageShape, depth: number): Buffer => {
    const fields = fieldsOf(message);
    const parts: Buffer[] = [];
    const count = random.below(fields.length + 3);
    for (let index = 0; index < count; index += 1) {
      const field = random.pick(fields);
      parts.push(hostileField(field, message[field], depth));
    }
    return Buffer.concat(parts);
  };
  const unknownField = (): Buffer => {
    const field = random.pick([15, 16, 99, 2047, 2 ** 29 - 1]);
    switch (random.below(4)) {
      case 0:
        return varintField(field, boundaryVarint());
      case 1:
        return Buffer.concat([tag(field, WireType.I64), random.bytes(8)]);
      case 2:
        return Buffer.concat([tag(field, WireType.I32), random.bytes(4)]);
      default:
        return lengthDelimited(field, random.bytes(random.below(64)));
    }
  };

  for (;;) {
    const strategy = random.pick(FUZZ_STRATEGIES);
    let bytes: Buffer;
    switch (strategy) {
      case 'random-bytes':
        bytes = random.bytes(
          1 + Math.floor(random.pick([2, 3, 8, 16, 64, 512, 4096]) * random.next()),
        );
        break;
      case 'truncated': {
        const valid = sample();
        bytes = valid.subarray(0, valid.length > 0 ? random.below(valid.length) : 0);
        if (bytes.length === 0) bytes = tag(1 + random.below(4), WireType.LEN);
        break;
      }
      case 'byte-mutation': {
        const mutated = [...sample()];
        for (let count = 1 + random.below(6); count > 0; count -= 1) {
          const at = random.below(mutated.length + 1);
          const operation = random.below(4);
          if (operation === 0 && at < mutated.length) mutated[at] ^= 1 << random.below(8);
          else if (operation === 1 && at < mutated.length) mutated[at] = random.below(256);
          else if (operation === 2) mutated.splice(at, 0, random.below(256));
          else mutated.splice(at, 1 + random.below(3));
        }
        bytes = Buffer.from(mutated);
        break;
      }
      case 'wrong-wire-type': {
        const fields = fieldsOf(shape);
        const field = random.pick(fields);
        bytes = Buffer.concat([sample(), wrongWireField(field, shape[field])]);
        break;
      }
      case 'invalid-wire-type': {
        const field = 1 + random.below(Math.max(...fieldsOf(shape), 1) + 1);
        bytes = Buffer.concat([
          random.below(2) === 0 ? sample() : Buffer.alloc(0),
          random.below(3) === 0
            ? tag(field, WireType.EGROUP) // an end-group with no start
            : tag(field, 6 + random.below(2)),
          random.bytes(random.below(8)),
        ]);
        break;
      }
      case 'huge-varint': {
        const fields = fieldsOf(shape);
        const field = random.pick(fields);
        const kind = random.below(4);
        if (kind === 0)
          bytes = Buffer.concat([
            tag(field, WireType.VARINT),
            paddedVarint(1, 11 + random.below(5)),
          ]);
        else if (kind === 1)
          // A length far past the end of the message.
          bytes = Buffer.concat([
            tag(field, WireType.LEN),
            varint(random.pick([2n ** 31n, 2n ** 32n + 3n, 2n ** 63n, 1000n])),
            random.bytes(4),
          ]);
        else if (kind === 2) bytes = Buffer.concat([paddedVarint(field << 3, 11), random.bytes(2)]);
        else bytes = Buffer.concat([sample(), varintField(field, random.pick(BOUNDARY_VARINTS))]);
        break;
      }
      case 'invalid-utf8': {
        const strings = fieldsOf(shape).filter((field) => shape[field] === 'string');
        const nested = fieldsOf(shape).filter((field) => typeof shape[field] === 'object');
        if (strings.length > 0) {
          bytes = Buffer.concat([
            sample(),
            lengthDelimited(random.pick(strings), Buffer.from(random.pick(INVALID_UTF8))),
          ]);
        } else if (nested.length > 0) {
          const field = random.pick(nested);
          const inner = shape[field] as MessageShape;
          const innerStrings = fieldsOf(inner).filter((number) => inner[number] === 'string');
          bytes = lengthDelimited(
            field,
            lengthDelimited(
              innerStrings.length > 0 ? random.pick(innerStrings) : 1,
              Buffer.from(random.pick(INVALID_UTF8)),
            ),
          );
        } else {
          bytes = Buffer.concat([lengthDelimited(1, Buffer.from(random.pick(INVALID_UTF8)))]);
        }
        break;
      }
      case 'hostile-values':
        bytes = hostileMessage(shape, 0);
        break;
      case 'unknown-fields':
        bytes = Buffer.concat([
          sample(),
          ...Array.from({ length: 1 + random.below(3) }, () => unknownField()),
        ]);
        break;
    }
    yield { strategy, bytes };
  }
}
