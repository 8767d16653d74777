import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { usageError } from '../exit-codes.js';
import { flagName, NODE_DEFAULTS, type NodeValueInput, type NodeValues } from './node-values.js';

const FIELDS: readonly (keyof NodeValues)[] = [
  'role',
  'selfIp',
  'peerIp',
  'vipCidr',
  'interface',
  'authPass',
  'routerId',
  ...(Object.keys(NODE_DEFAULTS) as (keyof typeof NODE_DEFAULTS)[]),
];

/** Field name by its flag / YAML key (self-ip → selfIp). */
export const FIELD_BY_KEY: ReadonlyMap<string, keyof NodeValues> = new Map(
  FIELDS.map((field) => [flagName(field), field]),
);

/**
 * A node's values from a YAML mapping whose keys are the long flag names
 * (`self-ip: 10.0.0.100`). Unknown keys and non-scalar values are usage errors.
 */
export function parseValuesYaml(text: string, label: string): NodeValueInput {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw usageError(`${label}: not YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw usageError(`${label}: must be a mapping of flag names to values`);
  const input: NodeValueInput = {};
  for (const [key, value] of Object.entries(data)) {
    const field = FIELD_BY_KEY.get(key);
    if (!field)
      throw usageError(
        `${label}: unknown key "${key}" (known: ${[...FIELD_BY_KEY.keys()].join(', ')})`,
      );
    if (typeof value !== 'string' && typeof value !== 'number')
      throw usageError(`${label}: "${key}" must be a string or a number`);
    input[field] = String(value);
  }
  return input;
}

export function readValuesFile(path: string): NodeValueInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseValuesYaml(text, path);
}
