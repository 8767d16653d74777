import { readFileSync } from 'node:fs';
import { checkNodeSpec, ConfigError, FieldViolation, type NodeSpecData } from '@gateway/shared';

type SeedEntry = {
  ip?: unknown;
  healthUrl?: unknown;
  ssh?: { host?: unknown; port?: unknown; user?: unknown; hostKey?: unknown };
  configPath?: unknown;
  label?: unknown;
};

/**
 * Parses the start-up node list: a JSON array of nodes in the API's JSON form
 * (`{"ip","healthUrl","ssh":{"host","port","user","hostKey"},"configPath","label"}`),
 * from HEALTH_NODES and/or the file HEALTH_NODES_FILE. Every node is validated like
 * AddNode; a bad one stops the start naming the variable, the entry and the field.
 */
export function parseSeedNodes(
  inline: string | undefined,
  file: string | undefined,
): NodeSpecData[] {
  const nodes: NodeSpecData[] = [];
  if (inline !== undefined) nodes.push(...parseList(inline, 'HEALTH_NODES'));
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'HEALTH_NODES_FILE',
        `cannot read ${file}: ${(error as Error).message}`,
      );
    }
    nodes.push(...parseList(text, 'HEALTH_NODES_FILE'));
  }
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.ip))
      throw new ConfigError(
        file ? 'HEALTH_NODES_FILE' : 'HEALTH_NODES',
        `node ${node.ip} is listed twice`,
      );
    seen.add(node.ip);
  }
  return nodes;
}

function parseList(text: string, variable: string): NodeSpecData[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(variable, `is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new ConfigError(variable, 'must be a JSON array of nodes');
  if (raw.length > 1000) throw new ConfigError(variable, 'lists more than 1000 nodes');
  return raw.map((entry: SeedEntry, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new ConfigError(variable, `[${index}] must be an object`);
    try {
      return checkNodeSpec(
        {
          ip: text_(entry.ip, `nodes[${index}].ip`),
          healthUrl: text_(entry.healthUrl ?? '', `nodes[${index}].healthUrl`),
          ssh: {
            host: text_(entry.ssh?.host ?? '', `nodes[${index}].ssh.host`),
            port: number_(entry.ssh?.port ?? 0, `nodes[${index}].ssh.port`),
            user: text_(entry.ssh?.user ?? '', `nodes[${index}].ssh.user`),
            hostKey: text_(entry.ssh?.hostKey ?? '', `nodes[${index}].ssh.hostKey`),
          },
          configPath: text_(entry.configPath ?? '', `nodes[${index}].configPath`),
          label: text_(entry.label ?? '', `nodes[${index}].label`),
        },
        `nodes[${index}]`,
      );
    } catch (error) {
      if (error instanceof FieldViolation) throw new ConfigError(variable, error.message);
      throw error;
    }
  });
}

function text_(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new FieldViolation(field, 'must be a string');
  return value;
}

function number_(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new FieldViolation(field, 'must be a number');
  return value;
}
