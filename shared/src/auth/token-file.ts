import { parseDocument, YAMLParseError } from 'yaml';
import { ConfigError } from '../config/config-error.js';
import { GROUP_PATTERN } from '../registry/instance-spec-rules.js';
import { isRole } from './roles.js';
import {
  isAcceptableSecret,
  MIN_TOKEN_LENGTH,
  TOKEN_NAME_PATTERN,
  type TokenEntry,
} from './token-identity.js';
import { parseTokenList } from './token-list.js';

const ENTRY_KEYS = new Set(['name', 'role', 'token', 'groups', 'quota']);
const MAX_QUOTA = 1_000_000;

/**
 * Parses GATEWAY_TOKENS_FILE. The full form is YAML or JSON (JSON is YAML) with one
 * top-level key, `tokens`, a list of `{name, role, token, groups?, quota?}`; any other
 * text is read as the simple `role:token` list. Every error names the entry (index and
 * name) and the field, and never repeats any part of a secret: a YAML syntax error is
 * reported by line and column only, since the parser's own message quotes the source.
 */
export function parseTokenFile(text: string, variable: string): TokenEntry[] {
  if (!/^\s*["']?tokens["']?\s*:|^\s*\{\s*"tokens"/m.test(text))
    return parseTokenList(text, variable);
  const document = parseDocument(text, { uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const where =
      problem instanceof YAMLParseError && problem.linePos
        ? `line ${problem.linePos[0].line}, column ${problem.linePos[0].col}`
        : 'somewhere';
    throw new ConfigError(variable, `not valid YAML or JSON (${problem.code} at ${where})`);
  }
  const root: unknown = document.toJS();
  if (!isRecord(root) || !Array.isArray(root['tokens'])) {
    throw new ConfigError(variable, 'must hold one key, "tokens", a list of token entries');
  }
  const extra = Object.keys(root).filter((key) => key !== 'tokens');
  if (extra.length > 0)
    throw new ConfigError(variable, `unknown top-level key ${JSON.stringify(extra[0])}`);
  const entries = (root['tokens'] as unknown[]).map((raw, index) =>
    parseEntry(raw, index, variable),
  );
  checkUnique(entries, variable);
  return entries;
}

function parseEntry(raw: unknown, index: number, variable: string): TokenEntry {
  const at = (field: string, why: string, name?: string) =>
    new ConfigError(
      variable,
      `tokens[${index}]${name ? ` (${JSON.stringify(name)})` : ''}: ${field} ${why}`,
    );
  if (!isRecord(raw)) throw at('entry', 'must be a mapping of name, role, token');
  const nameValue = raw['name'];
  const name =
    typeof nameValue === 'string' && TOKEN_NAME_PATTERN.test(nameValue) ? nameValue : undefined;
  if (!name)
    throw at(
      'name',
      'must be 1-63 lower-case letters, digits, ".", "-" or "_" (for logs and audit)',
    );
  for (const key of Object.keys(raw)) {
    // The key is the operator's, not a secret; still bound what is repeated.
    if (!ENTRY_KEYS.has(key))
      throw at(JSON.stringify(key.slice(0, 32)), 'is not a known field', name);
  }
  const role = raw['role'];
  if (typeof role !== 'string' || !isRole(role))
    throw at('role', 'must be admin, core or sdk', name);
  const secret = raw['token'];
  if (typeof secret !== 'string' || !isAcceptableSecret(secret)) {
    throw at(
      'token',
      `must be a string of ${MIN_TOKEN_LENGTH} to 4096 characters without spaces`,
      name,
    );
  }
  const groups = raw['groups'];
  const quota = raw['quota'];
  if (role !== 'core' && (groups !== undefined || quota !== undefined)) {
    throw at(groups !== undefined ? 'groups' : 'quota', 'applies to core tokens only', name);
  }
  if (
    groups !== undefined &&
    !(
      Array.isArray(groups) &&
      groups.length > 0 &&
      groups.every((group) => typeof group === 'string' && GROUP_PATTERN.test(group))
    )
  ) {
    throw at('groups', 'must be a non-empty list of group names (1-63 of a-z 0-9 - _)', name);
  }
  if (
    quota !== undefined &&
    !(typeof quota === 'number' && Number.isInteger(quota) && quota >= 1 && quota <= MAX_QUOTA)
  ) {
    throw at('quota', `must be an integer from 1 to ${MAX_QUOTA}`, name);
  }
  return {
    name,
    role,
    secret,
    ...(groups ? { groups: Object.freeze([...new Set(groups as string[])]) } : {}),
    ...(quota !== undefined ? { quota } : {}),
  };
}

/**
 * A name is one identity: two entries may share it only as two secrets of the same identity
 * (same role, groups and quota), which is how a secret is rotated without its instances
 * changing owner. One secret given twice is a mistake.
 */
export function checkUnique(entries: readonly TokenEntry[], variable: string): void {
  const names = new Map<string, number>();
  const secrets = new Map<string, number>();
  const scope = (entry: TokenEntry) =>
    JSON.stringify([entry.role, [...(entry.groups ?? [])].sort(), entry.quota ?? null]);
  entries.forEach((entry, index) => {
    const sameName = names.get(entry.name);
    if (sameName !== undefined && scope(entries[sameName]) !== scope(entry)) {
      throw new ConfigError(
        variable,
        `tokens[${index}]: name ${JSON.stringify(entry.name)} is also tokens[${sameName}]'s, with another role, groups or quota (one name, one identity)`,
      );
    }
    const sameSecret = secrets.get(entry.secret);
    if (sameSecret !== undefined) {
      throw new ConfigError(
        variable,
        `tokens[${index}] (${JSON.stringify(entry.name)}): token is the same as tokens[${sameSecret}]'s`,
      );
    }
    names.set(entry.name, index);
    secrets.set(entry.secret, index);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
