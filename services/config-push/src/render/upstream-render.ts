import { createHash } from 'node:crypto';
import { checkInstanceSpec, type StoredInstance } from '@gateway/shared';
import { isServerLine } from './render-grammar.js';
import { serverLine } from './server-line.js';
import { DEFAULT_GROUP, DEFAULT_UPSTREAM, upstreamName } from './upstream-name.js';

/** The variable the rendered `map` sets: the upstream for the request's `X-Gateway-Group`. */
export const UPSTREAM_VARIABLE = '$gateway_upstream';
const GROUP_HEADER_VARIABLE = '$http_x_gateway_group';

/** Bytes of the file per chunk (about; a chunk always ends at the end of a line). */
export const RENDER_CHUNK_BYTES = 64 * 1024;

/** A rendered file as chunks of whole lines, with its size and sha256. */
export type RenderedFile = {
  /** The file in order: concatenated, they are the file (each ends at a line end). */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  /** sha256 of the file, hex. */
  readonly hash: string;
  /** Number of `server` lines. */
  readonly servers: number;
  /** Groups rendered, sorted (default first). */
  readonly groups: readonly string[];
  /** Instances left out, with why (never rendered). */
  readonly skipped: ReadonlyArray<{ id: string; reason: string }>;
};

/** Builds a render one instance at a time (the caller need not hold every instance). */
export type UpstreamRender = {
  add(instance: StoredInstance): void;
  /** The file of every instance added; the builder is spent. */
  finish(): RenderedFile;
};

/**
 * Renders the upstream file: deterministic (same instances, byte-identical output, whatever
 * their order), one upstream per group with at least one instance (never an empty one), then
 * a `map` from the `X-Gateway-Group` request header to the upstream. Every spec is validated
 * again here, whoever wrote it. Each instance is kept as one string (its sort key and its
 * `server` line) until `finish`, which writes the file as chunks of about
 * RENDER_CHUNK_BYTES and hashes them as it goes: the file never exists as one string.
 */
export function UpstreamRender(): UpstreamRender {
  /** group → `<host>\0<port, 5 digits>\u0001<server line>`, unique per group (ids are). */
  const lines = new Map<string, string[]>();
  const skipped: Array<{ id: string; reason: string }> = [];
  return {
    add(instance) {
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
        return;
      }
      if (upstreamName(spec.group) === undefined) {
        skipped.push({
          id: instance.id,
          reason: `group "${spec.group}" would collide with ${DEFAULT_UPSTREAM}`,
        });
        return;
      }
      const line = serverLine(spec);
      if (!isServerLine(`    ${line}`)) {
        // Validation and the node's grammar agree (tested); never push a line a node would refuse.
        skipped.push({ id: instance.id, reason: "its server line is outside the nodes' grammar" });
        return;
      }
      let list = lines.get(spec.group);
      if (list === undefined) lines.set(spec.group, (list = []));
      // join() makes one flat string: it holds nothing of the page the instance came from.
      list.push([spec.host, '\u0000', String(spec.port).padStart(5, '0'), '\u0001', line].join(''));
    },
    finish() {
      const groups = [...lines.keys()].sort((a, b) =>
        a === DEFAULT_GROUP ? -1 : b === DEFAULT_GROUP ? 1 : compare(a, b),
      );
      const out = FileChunks();
      out.line('# Rendered by gateway config-push from the registry (nginx:gateway:instances).');
      out.line('# Do not edit: every push replaces this file. Include it in the http {} context.');
      out.line('');
      let servers = 0;
      for (const group of groups) {
        const entries = lines.get(group)!.sort(compare);
        lines.delete(group);
        servers += entries.length;
        out.line(`upstream ${upstreamName(group)!} {`);
        for (const entry of entries) out.line(`    ${entry.slice(entry.indexOf('\u0001') + 1)}`);
        out.line('}');
        out.line('');
      }
      if (groups.length > 0) {
        out.line(
          `# ${UPSTREAM_VARIABLE}: the upstream of the request's X-Gateway-Group header (default: ${DEFAULT_UPSTREAM}).`,
        );
        out.line(`map ${GROUP_HEADER_VARIABLE} ${UPSTREAM_VARIABLE} {`);
        if (groups.includes(DEFAULT_GROUP)) out.line(`    default ${DEFAULT_UPSTREAM};`);
        for (const group of groups)
          if (group !== DEFAULT_GROUP) out.line(`    ${mapKey(group)} ${upstreamName(group)!};`);
        out.line('}');
        out.line('');
      }
      return { ...out.end(), servers, groups, skipped };
    },
  };
}

/**
 * Lines joined by "\n" (as `lines.join('\n')`: no newline after the last), cut into
 * Buffers of about RENDER_CHUNK_BYTES at line ends, hashed incrementally.
 */
function FileChunks() {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let pending: string[] = [];
  let pendingLength = 0;
  let bytes = 0;
  let first = true;
  const flush = () => {
    if (pending.length === 0) return;
    const chunk = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingLength = 0;
    hash.update(chunk);
    bytes += chunk.length;
    chunks.push(chunk);
  };
  return {
    line(text: string) {
      const piece = first ? text : `\n${text}`;
      first = false;
      pending.push(piece);
      pendingLength += piece.length;
      if (pendingLength >= RENDER_CHUNK_BYTES) flush();
    },
    end(): { chunks: Buffer[]; bytes: number; hash: string } {
      flush();
      return { chunks, bytes, hash: hash.digest('hex') };
    },
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
