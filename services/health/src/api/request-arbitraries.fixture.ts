import fc from 'fast-check';
import {
  FailureKind,
  type NodeSpec,
  type ReportSuspectRequest,
  type SshEndpoint,
} from '@gateway/proto/health';
import { FieldViolation, hostForAddress, normalizeNodeIp } from '@gateway/shared';

// Generators of NodeHealthService requests for the property tests (`*.fixture.ts`: test support,
// left out of the Docker context with the tests). "Any" requests are anything the wire can decode
// to, hostile strings included, mostly valid field by field; "valid" ones are what an operator or
// a gateway core sends.

/** Strings meant to break out of a URL, a path, a log line or a length check. */
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
    '$host',
    '\n',
    '\r\n',
    '\u0000',
    '\u001b[31m',
    '\u2028',
    '\ud800',
    '#',
    '[::1]',
    'fe80::1%eth0',
    '0x7f.1',
    '10.0.0.1@evil.example',
    'http://10.0.0.1@evil.example/',
    'http://evil.example/#10.0.0.1',
    'file:///etc/passwd',
    '/etc/nginx/../shadow.conf',
    '/./a.conf',
    'ssh-ed25519 AAAA comment',
    'ssh-ed25519 AAAA\nssh-rsa BBBB',
    'root',
    '-oProxyCommand=x',
  ),
  fc.string({ minLength: 250, maxLength: 9_000 }),
);

const anyUint32 = fc.oneof(
  fc.constantFrom(0, 1, 22, 65_535, 65_536, 1_000_000, 1_000_001, 2 ** 31 - 1, 2 ** 32 - 1),
  fc.nat({ max: 2 ** 32 - 1 }),
);
const anyInt32 = fc.oneof(
  fc.constantFrom(-1, 0, 1, 5, 6, -(2 ** 31), 2 ** 31 - 1),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);

/** Mostly a valid field, sometimes a hostile one: most requests then fail on one field only. */
const mostlyValid = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: hostile, weight: 1 });

const validIp = fc.oneof(fc.ipV4(), fc.ipV6());
const validSshUser = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/);
/** An SSH wire-format string: a 4-byte big-endian length, then the bytes. */
const sshString = (bytes: Uint8Array): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
/** A well-formed ssh-ed25519 public key (its embedded type and a 32-byte point), as AddNode checks it. */
const validHostKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((point) => {
  const data = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(point)]);
  return `ssh-ed25519 ${data.toString('base64')}`;
});
const validConfigPath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/), { maxLength: 4 })
  .map((dirs) => `/${[...dirs, 'gateway-upstreams'].join('/')}.conf`);
// eslint-disable-next-line no-control-regex -- control characters are what a label may not hold
const CONTROL = /[\u0000-\u001f\u007f]/;
const printable = (maxLength: number, minLength = 0) =>
  fc.string({ minLength, maxLength }).filter((text) => !CONTROL.test(text));

const validSsh: fc.Arbitrary<SshEndpoint> = fc.record({
  host: fc.oneof(fc.constant(''), fc.ipV4(), fc.ipV6(), fc.domain()),
  port: fc.integer({ min: 0, max: 65_535 }),
  user: validSshUser,
  hostKey: fc.oneof(fc.constant(''), validHostKey),
});

/** A node whose health URL, when given, points at the node's own ip. */
export const validNodeSpec: fc.Arbitrary<NodeSpec> = fc
  .record({
    ip: validIp,
    url: fc.option(
      fc.record({
        scheme: fc.constantFrom('http', 'https'),
        port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
        path: fc.webPath(),
      }),
      { nil: undefined },
    ),
    ssh: validSsh,
    configPath: validConfigPath,
    label: printable(64),
  })
  .map(({ ip, url, ssh, configPath, label }) => ({
    ip,
    healthUrl: url
      ? `${url.scheme}://${hostForAddress(normalizeNodeIp('ip', ip))}${url.port ? `:${url.port}` : ''}${url.path}`
      : '',
    ssh,
    configPath,
    label,
  }));

export const anyNodeSpec: fc.Arbitrary<NodeSpec | undefined> = fc.option(
  fc.record({
    ip: mostlyValid(validIp, fc.oneof(hostileText, fc.ipV4Extended(), fc.domain())),
    // Valid: empty (the default URL); a URL of another host is as hostile as any text.
    healthUrl: mostlyValid(
      fc.constant(''),
      fc.oneof(
        hostileText,
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        validIp.map((ip) => `http://${hostForAddress(ip)}/healthz`),
      ),
    ),
    ssh: fc.option(
      fc.record({
        host: mostlyValid(fc.oneof(fc.constant(''), fc.ipV4(), fc.domain()), hostileText),
        port: mostlyValid(fc.integer({ min: 0, max: 65_535 }), anyUint32),
        user: mostlyValid(validSshUser, hostileText),
        hostKey: mostlyValid(fc.oneof(fc.constant(''), validHostKey), hostileText),
      }),
      { nil: undefined, freq: 10 },
    ),
    configPath: mostlyValid(validConfigPath, hostileText),
    label: mostlyValid(printable(64), hostileText),
  }),
  { nil: undefined, freq: 20 },
);

export const validReportSuspect: fc.Arbitrary<ReportSuspectRequest> = fc.record({
  reporter: printable(128, 1),
  target: printable(512, 1),
  failureKind: fc.integer({ min: 1, max: 5 }),
  consecutiveFailures: fc.integer({ min: 1, max: 1_000_000 }),
});

export const anyReportSuspect: fc.Arbitrary<ReportSuspectRequest> = fc.record({
  reporter: mostlyValid(printable(128, 1), hostileText),
  target: mostlyValid(printable(512, 1), hostileText),
  failureKind: mostlyValid(
    fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<FailureKind>,
    anyInt32 as fc.Arbitrary<FailureKind>,
  ),
  consecutiveFailures: mostlyValid(fc.integer({ min: 1, max: 1_000_000 }), anyUint32),
});

/** An `ip` request field: a node ip in any spelling, or anything else. */
export const anyIp = mostlyValid(validIp, fc.oneof(hostileText, fc.ipV4Extended(), fc.domain()));

/**
 * Runs a request's validation: returns what it returns, or undefined when it refused the request
 * with a FieldViolation naming a field that `fields` matches, said as "<field>: <why>". Anything
 * else thrown (a TypeError, a violation of another field) fails the property.
 */
export function validatedOrRefused<T>(validate: () => T, fields: RegExp): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof FieldViolation)) throw error;
    if (!fields.test(error.field))
      throw new Error(`violation of an unexpected field: ${error.message}`, { cause: error });
    if (error.description === '' || error.message !== `${error.field}: ${error.description}`)
      throw new Error(`a violation must say "<field>: <why>": ${JSON.stringify(error.message)}`, {
        cause: error,
      });
    return undefined;
  }
}
