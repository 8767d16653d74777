import fc from 'fast-check';
import { AdminState, type InstanceSpec, type RegisterRequest } from '@gateway/proto/registry';

// Generators of RegistryService requests for the property tests (`*.fixture.ts`: test support,
// left out of the Docker context with the tests). "Arbitrary" requests are anything the wire can
// decode to, hostile strings included; "valid" ones are what a well-behaved client sends.

/** Strings meant to break out of a line, a key, a JSON document or a length check. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
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
    '\u2028',
    '\ud800',
    '#',
    'a;b',
    '10.0.0.1;\n}\nserver { listen 80',
    'default/10.0.0.1/80;',
    '__proto__',
    'constructor',
    'null',
    'unix',
    '[::1]',
    'fe80::1%eth0',
    '0x7f.1',
    'bnVsbA',
    'e30',
    'WzFd',
  ),
  fc.string({ minLength: 250, maxLength: 2_000 }),
  fc.constantFrom('a'.repeat(64), 'a'.repeat(254), `${'a'.repeat(63)}.`.repeat(5)),
);

/** Any uint32 on the wire, with the boundaries made likely. */
export const anyUint32 = fc.oneof(
  fc.constantFrom(0, 1, 100, 101, 3600, 3601, 65_535, 65_536, 2 ** 31 - 1, 2 ** 32 - 1),
  fc.nat({ max: 2 ** 32 - 1 }),
);
/** Any int32 on the wire (enums, page sizes, nanos). */
export const anyInt32 = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 3, 999, 1000, 1001, 999_999_999, 1_000_000_000, -(2 ** 31)),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);
/** A google.protobuf.Duration as decoded (seconds within the safe integers, or absent). */
export const anyDuration = fc.option(
  fc.record({
    seconds: fc.oneof(
      fc.constantFrom(-1, 0, 1, 4, 5, 300, 301, 3600, 3601, Number.MAX_SAFE_INTEGER),
      fc.maxSafeInteger(),
    ),
    nanos: anyInt32,
  }),
  { nil: undefined },
);

const VALID_GROUP = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const validGroup = fc.stringMatching(VALID_GROUP);

const validFailTimeout = fc.option(
  fc.record({ seconds: fc.integer({ min: 1, max: 3600 }), nanos: fc.constant(0) }),
  { nil: undefined },
);
const validAdminState = fc.constantFrom(
  AdminState.ADMIN_STATE_UNSPECIFIED,
  AdminState.ADMIN_STATE_ENABLED,
  AdminState.ADMIN_STATE_DRAINING,
);
// eslint-disable-next-line no-control-regex -- control characters are what a value may not hold
const CONTROL = /[\u0000-\u001f\u007f]/;
const validMetadata = fc.dictionary(
  fc.stringMatching(/^[A-Za-z0-9._/-]{1,63}$/),
  fc.string({ maxLength: 256 }).filter((text) => !CONTROL.test(text)),
  { maxKeys: 16 },
);
const validLeaseDuration = fc.option(
  fc.record({
    seconds: fc.integer({ min: 5, max: 299 }),
    nanos: fc.integer({ min: 0, max: 999 }).map((ms) => ms * 1_000_000),
  }),
  { nil: undefined },
);

export const validInstanceSpec: fc.Arbitrary<InstanceSpec> = fc.record({
  group: validGroup,
  host: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
  port: fc.integer({ min: 1, max: 65_535 }),
  weight: fc.integer({ min: 0, max: 100 }),
  maxFails: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  failTimeout: validFailTimeout,
  backup: fc.boolean(),
  adminState: validAdminState,
  metadata: validMetadata,
});

/** Mostly a valid field, sometimes a hostile one: most requests then fail on one field only. */
const mostlyValid = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: hostile, weight: 1 });

export const anyInstanceSpec: fc.Arbitrary<InstanceSpec> = fc.record({
  group: mostlyValid(validGroup, fc.oneof(hostileText, fc.constantFrom('default', 'backend'))),
  host: mostlyValid(
    fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
    fc.oneof(hostileText, fc.ipV4Extended()),
  ),
  port: mostlyValid(fc.integer({ min: 1, max: 65_535 }), anyUint32),
  weight: mostlyValid(fc.integer({ min: 0, max: 100 }), anyUint32),
  maxFails: mostlyValid(
    fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    fc.option(anyUint32, { nil: undefined }),
  ),
  failTimeout: mostlyValid(validFailTimeout, anyDuration),
  backup: fc.boolean(),
  adminState: mostlyValid(validAdminState, anyInt32 as fc.Arbitrary<AdminState>),
  metadata: mostlyValid(validMetadata, fc.dictionary(hostileText, hostileText, { maxKeys: 20 })),
});

export const anyRegisterRequest: fc.Arbitrary<RegisterRequest> = fc.record({
  instance: fc.option(anyInstanceSpec, { nil: undefined, freq: 20 }),
  leaseDuration: mostlyValid(validLeaseDuration, anyDuration),
});

/** Within the test lease bounds of 5 s to 300 s, in whole milliseconds. */
export const validRegisterRequest: fc.Arbitrary<RegisterRequest> = fc.record({
  instance: validInstanceSpec,
  leaseDuration: validLeaseDuration,
});

/**
 * Runs a request's validation: returns what it returns, or undefined when it refused the request
 * with a FieldViolation naming a field that `fields` matches, said as "<field>: <why>". Anything
 * else thrown (a TypeError, a violation of another field) fails the property.
 */
export function validatedOrRefused<T>(
  validate: () => T,
  fields: RegExp,
  isViolation: (error: unknown) => error is { field: string; description: string; message: string },
): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!isViolation(error)) throw error;
    if (!fields.test(error.field))
      throw new Error(`violation of an unexpected field: ${error.message}`, { cause: error });
    if (error.description === '' || error.message !== `${error.field}: ${error.description}`)
      throw new Error(
        `a violation must say "<field>: <why>", got ${JSON.stringify(error.message)}`,
        { cause: error },
      );
    return undefined;
  }
}
