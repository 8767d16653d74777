import { createHash } from 'node:crypto';
import { checkInstanceSpec, type StoredInstance } from '@gateway/shared';
import { isServerLine } from './render-grammar.js';
import { serverLine } from './server-line.js';
import { DEFAULT_GROUP, DEFAULT_UPSTREAM, upstreamName } from './upstream-name.js';

/** The variable the rendered `map` sets: the upstream for the request's `X-Gateway-Group`. */
export const UPSTREAM_VARIABLE = '$gateway_upstream';
const GROUP_HEADER_VARIABLE = '$http_x_gateway_group';

export type RenderedConfig = {
  readonly content: string;
  /** sha256 of content, hex. */
  readonly hash: string;
  /** Number of `server` lines. */
  readonly servers: number;
  /** Groups rendered, sorted (default first). */
  readonly groups: readonly string[];
  /** Instances left out, with why (never rendered). */
  readonly skipped: ReadonlyArray<{ id: string; reason: string }>;
};

/**
 * Renders the upstream file from the registry's instances: deterministic (same
 * instances, byte-identical output, whatever their order), one upstream per group with
 * at least one instance (never an empty one), then a `map` from the `X-Gateway-Group`
 * request header to the upstream. Every spec is validated again here, whoever wrote it.
 */
export function renderUpstreams(instances: readonly StoredInstance[]): RenderedConfig {
  const lines = new Map<string, { key: string; line: string }[]>();
  const skipped: Array<{ id: string; reason: string }> = [];
  for (const instance of instances) {
    let spec;
    try {
      spec = checkInstanceSpec(
        { ...instance.spec, metadata: { ...instance.spec.metadata } },
        `instances[${instance.id}].spec`,
      );
    } catch (error) {
      skipped.push({
        id: instance.id,
        reason: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    const upstream = upstreamName(spec.group);
    if (upstream === undefined) {
      skipped.push({
        id: instance.id,
        reason: `group "${spec.group}" would collide with ${DEFAULT_UPSTREAM}`,
      });
      continue;
    }
    const line = serverLine(spec);
    if (!isServerLine(`    ${line}`)) {
      // Validation and the node's grammar agree (tested); never push a line a node would refuse.
      skipped.push({ id: instance.id, reason: "its server line is outside the nodes' grammar" });
      continue;
    }
    const list = lines.get(spec.group) ?? [];
    list.push({ key: `${spec.host}\u0000${String(spec.port).padStart(5, '0')}`, line });
    lines.set(spec.group, list);
  }

  const groups = [...lines.keys()].sort((a, b) =>
    a === DEFAULT_GROUP ? -1 : b === DEFAULT_GROUP ? 1 : compare(a, b),
  );
  const out: string[] = [
    '# Rendered by gateway config-push from the registry (nginx:gateway:instances).',
    '# Do not edit: every push replaces this file. Include it in the http {} context.',
    '',
  ];
  let servers = 0;
  for (const group of groups) {
    const entries = lines.get(group)!.sort((a, b) => compare(a.key, b.key));
    servers += entries.length;
    out.push(`upstream ${upstreamName(group)!} {`);
    for (const entry of entries) out.push(`    ${entry.line}`);
    out.push('}', '');
  }
  if (groups.length > 0) {
    out.push(
      `# ${UPSTREAM_VARIABLE}: the upstream of the request's X-Gateway-Group header (default: ${DEFAULT_UPSTREAM}).`,
    );
    out.push(`map ${GROUP_HEADER_VARIABLE} ${UPSTREAM_VARIABLE} {`);
    if (groups.includes(DEFAULT_GROUP)) out.push(`    default ${DEFAULT_UPSTREAM};`);
    for (const group of groups)
      if (group !== DEFAULT_GROUP) out.push(`    ${mapKey(group)} ${upstreamName(group)!};`);
    out.push('}', '');
  }
  const content = out.join('\n');
  return {
    content,
    hash: createHash('sha256').update(content).digest('hex'),
    servers,
    groups,
    skipped,
  };
}

/** Map source values that are also map parameters must be escaped with "\\" (nginx docs). */
const MAP_PARAMETERS = new Set(['default', 'hostnames', 'include', 'volatile']);
function mapKey(group: string): string {
  return MAP_PARAMETERS.has(group) ? `\\${group}` : group;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
