import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ConfigError, parseTokenFile, TokenTable } from '../index.js';

const SECRET = 'Zq9-orders-secret-4711';
const OTHER = 'Xk2-payments-secret-0815';

function refusal(text: string): string {
  try {
    parseTokenFile(text, 'GATEWAY_TOKENS_FILE');
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'a configuration error');
    return error.message;
  }
  throw new assert.AssertionError({ message: `accepted: ${text}` });
}

describe('the token file (YAML or JSON)', () => {
  it('reads names, roles, groups and quotas, from YAML and from JSON', () => {
    const yaml = `# rotation: two admin tokens for a while
tokens:
  - name: ops
    role: admin
    token: "${OTHER}"
  - name: orders-core
    role: core
    token: ${SECRET}
    groups: [orders]
    quota: 20
  - { name: sdk-main, role: sdk, token: "sdk#token-with-hash-1" }
`;
    const table = TokenTable(parseTokenFile(yaml, 'GATEWAY_TOKENS_FILE'));
    assert.deepEqual(table.identify(SECRET), {
      name: 'orders-core',
      role: 'core',
      groups: ['orders'],
      quota: 20,
    });
    assert.equal(table.identify('sdk#token-with-hash-1')?.name, 'sdk-main', '# kept in a token');
    const json = JSON.stringify({ tokens: [{ name: 'a', role: 'core', token: SECRET }] });
    assert.equal(TokenTable(parseTokenFile(json, 'F')).identify(SECRET)?.name, 'a');
  });

  it('accepts two secrets under one name and scope (a rotation): both are that identity', () => {
    const table = TokenTable(
      parseTokenFile(
        `tokens:\n  - {name: a, role: core, token: ${SECRET}, quota: 3}\n  - {name: a, role: core, token: ${OTHER}, quota: 3}\n`,
        'F',
      ),
    );
    assert.equal(table.identify(SECRET)?.name, 'a');
    assert.equal(table.identify(OTHER)?.name, 'a');
  });

  it('still reads the simple role:token list from a file', () => {
    const table = TokenTable(parseTokenFile(`# list\ncore:${SECRET}\n`, 'F'));
    assert.equal(table.identify(SECRET)?.name, 'core-1');
  });

  it('names the entry and the field of each mistake, and never the secret', () => {
    const cases: Array<[string, RegExp]> = [
      [`tokens:\n  - {name: a, role: root, token: ${SECRET}}`, /tokens\[0\] \("a"\): role must be/],
      [`tokens:\n  - {name: A!, role: core, token: ${SECRET}}`, /tokens\[0\]: name must be/],
      [`tokens:\n  - {name: a, role: core, token: short}`, /tokens\[0\] \("a"\): token must be/],
      [
        `tokens:\n  - {name: a, role: core, token: ${SECRET}, secret: x}`,
        /"secret" is not a known field/,
      ],
      [
        `tokens:\n  - {name: a, role: sdk, token: ${SECRET}, quota: 3}`,
        /quota applies to core tokens only/,
      ],
      [`tokens:\n  - {name: a, role: core, token: ${SECRET}, groups: [Bad]}`, /groups must be/],
      [
        `tokens:\n  - {name: a, role: core, token: ${SECRET}, quota: 0}`,
        /quota must be an integer/,
      ],
      [
        `tokens:\n  - {name: a, role: core, token: ${SECRET}}\n  - {name: a, role: sdk, token: ${OTHER}}`,
        /tokens\[1\]: name "a" is also tokens\[0\]'s, with another role/,
      ],
      [
        `tokens:\n  - {name: a, role: core, token: ${SECRET}}\nextra: 1`,
        /unknown top-level key "extra"/,
      ],
      [
        `tokens:\n  - {name: a, role: core, token: "${SECRET}}`,
        /not valid YAML or JSON \(\w+ at line \d+, column \d+\)/,
      ],
      [`tokens:\n  - name: a\n    token: ${SECRET}\n     role: core`, /not valid YAML or JSON/],
      [`{"tokens": {"name": "a", "token": "${SECRET}"}}`, /must hold one key, "tokens", a list/],
    ];
    for (const [text, expected] of cases) {
      const message = refusal(text);
      assert.match(message, /^GATEWAY_TOKENS_FILE: /);
      assert.match(message, expected);
      for (const secret of [SECRET, OTHER])
        assert.ok(!message.includes(secret.slice(0, 6)), `no part of a secret in: ${message}`);
    }
  });
});
