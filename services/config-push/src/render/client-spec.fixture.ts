import fc from 'fast-check';
import type { InstanceSpecInput } from '@gateway/shared';

// What a client may send in a Register request, for the renderer's property tests
// (`*.fixture.ts`: test support, left out of the Docker context with the tests). Every field is
// mostly valid and sometimes hostile: what Register lets through must render to lines of the
// node's grammar, whatever the rest held.

/** Strings meant to break out of an Nginx line, block or value. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
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
    '#',
    '\\',
    'a;b',
    '10.0.0.1;\n}\nserver { listen 80',
    'core.example; access_log /tmp/x',
    'unix',
    'unix:/tmp/sock',
    '[::1]',
    'fe80::1%eth0',
    'include',
    'default',
    'backend',
    'hostnames',
    'volatile',
  ),
  fc.string({ minLength: 200, maxLength: 1_000 }),
  fc.constantFrom(`${'a'.repeat(63)}.`.repeat(4).slice(0, 253), 'a'.repeat(64)),
);

const mostlyValid = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: hostile, weight: 1 });
const anyInteger = fc.oneof(
  fc.constantFrom(-1, 0, 1, 100, 101, 3600, 3601, 65_535, 65_536, 2 ** 32 - 1),
  fc.integer(),
  fc.double(),
);

/** A spec as a Register request carries it (after the proto mapping), hostile or not. */
export const clientSpec: fc.Arbitrary<InstanceSpecInput> = fc.record({
  group: mostlyValid(
    fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/),
      fc.constantFrom('default', 'include', 'hostnames', 'volatile', 'backend', 'default_'),
    ),
    hostileText,
  ),
  host: mostlyValid(
    fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain(), fc.constantFrom('::ffff:10.0.0.1', 'A.Example.')),
    fc.oneof(hostileText, fc.ipV4Extended()),
  ),
  port: mostlyValid(fc.integer({ min: 1, max: 65_535 }), anyInteger),
  weight: mostlyValid(fc.integer({ min: 0, max: 100 }), anyInteger),
  maxFails: mostlyValid(
    fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    anyInteger,
  ),
  failTimeoutSeconds: mostlyValid(
    fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
    anyInteger,
  ),
  backup: fc.boolean(),
  adminState: fc.constantFrom('enabled' as const, 'draining' as const),
  metadata: mostlyValid(
    fc.dictionary(fc.stringMatching(/^[A-Za-z0-9._/-]{1,63}$/), fc.string({ maxLength: 40 }), {
      maxKeys: 3,
    }),
    fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
  ),
});

/**
 * The strict grammar of a rendered file, line by line, with every number in the range
 * validation allows (stricter than the node's check, which only wants digits).
 */
const PORT =
  '([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
const HUNDRED = '([0-9]|[1-9][0-9]|100)';
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const HOST = `(((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|\\[[0-9a-f:.]{2,39}\\]|${LABEL}(\\.${LABEL})*)`;
const UPSTREAM_NAME = 'gateway_[a-z0-9][a-z0-9_-]{0,62}';
export const STRICT_RENDER_LINES: readonly RegExp[] = [
  /^$/,
  /^# [\x20-\x7e]*$/,
  new RegExp(`^upstream ${UPSTREAM_NAME} \\{$`),
  new RegExp(
    `^ {4}server ${HOST}:${PORT} weight=([1-9]|[1-9][0-9]|100) max_fails=${HUNDRED} fail_timeout=([1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|3600)s( backup)?( down)?;$`,
  ),
  /^\}$/,
  /^map \$http_x_gateway_group \$gateway_upstream \{$/,
  /^ {4}default gateway_backend;$/,
  new RegExp(
    `^ {4}(\\\\(default|hostnames|include|volatile)|[a-z0-9][a-z0-9_-]{0,62}) ${UPSTREAM_NAME};$`,
  ),
];
