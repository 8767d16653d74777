import { DEFAULT_GROUP, DEFAULT_UPSTREAM } from '../render/upstream-name.js';

const UPSTREAM_LINE = /^upstream (gateway_[a-z0-9_-]+) \{$/;
const SERVER_LINE = /^ {4}server (\[[0-9a-f:.]+\]|[^\s:]+):(\d+) /;
const MAP_ENTRY = /^ {4}\\?([a-z0-9][a-z0-9_-]*) (gateway_[a-z0-9_-]+);$/;

/**
 * Which instances each line of a rendered file belongs to (1-based line numbers, as
 * nginx counts them): a `server` line to its instance; an `upstream` line, its closing
 * brace and the group's `map` entry to every instance of the group. Lines that belong
 * to nobody (comments, the `map` header, `default`) are absent. Ids are
 * `<group>/<host>/<port>`, the registry's, with IPv6 hosts unbracketed.
 */
export function lineOwners(content: string): Map<number, readonly string[]> {
  const owners = new Map<number, string[]>();
  const groupIds = new Map<string, string[]>();
  const groupLines = new Map<string, number[]>();
  let upstream: string | undefined;
  const lines = content.split('\n');
  lines.forEach((line, index) => {
    const number = index + 1;
    const opened = UPSTREAM_LINE.exec(line);
    if (opened) {
      upstream = opened[1];
      groupLines.set(upstream, [...(groupLines.get(upstream) ?? []), number]);
      return;
    }
    if (upstream !== undefined) {
      if (line === '}') {
        groupLines.get(upstream)!.push(number);
        upstream = undefined;
        return;
      }
      const server = SERVER_LINE.exec(line);
      if (server) {
        const host = server[1].replace(/^\[|\]$/g, '');
        const id = `${groupOf(upstream)}/${host}/${server[2]}`;
        owners.set(number, [id]);
        groupIds.set(upstream, [...(groupIds.get(upstream) ?? []), id]);
      }
      return;
    }
    const entry = MAP_ENTRY.exec(line);
    if (entry && entry[1] !== 'default')
      groupLines.set(entry[2], [...(groupLines.get(entry[2]) ?? []), number]);
  });
  for (const [name, numbers] of groupLines) {
    const ids = groupIds.get(name) ?? [];
    if (ids.length === 0) continue;
    for (const number of numbers) owners.set(number, ids);
  }
  return owners;
}

function groupOf(upstream: string): string {
  return upstream === DEFAULT_UPSTREAM ? DEFAULT_GROUP : upstream.slice('gateway_'.length);
}
