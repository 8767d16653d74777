/** The group whose upstream is the design's `gateway_backend`. */
export const DEFAULT_GROUP = 'default';
export const DEFAULT_UPSTREAM = 'gateway_backend';

/**
 * The upstream of a group: `gateway_backend` for the default group, `gateway_<group>`
 * for the others. Group names are `[a-z0-9][a-z0-9_-]*` (checked at render), so the
 * name is safe in the config; the one group whose name would collide, `backend`, gets
 * undefined (the renderer leaves it out and says why).
 */
export function upstreamName(group: string): string | undefined {
  if (group === DEFAULT_GROUP) return DEFAULT_UPSTREAM;
  if (`gateway_${group}` === DEFAULT_UPSTREAM) return undefined;
  return `gateway_${group}`;
}
