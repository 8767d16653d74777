/**
 * Every Redis key and channel name the control plane uses, in one place. The two
 * names the design fixes (`nginx:gateway:instances`, `nginx:gateway:health_status:<ip>`)
 * are read by other tools, so they never change.
 */
export const RedisKeys = {
  /** Hash: instance id → stored instance JSON (the design's upstream list). */
  instances: 'nginx:gateway:instances',
  /** Sorted set: instance id → lease expiry (epoch ms, Redis server time). */
  instanceLeases: 'nginx:gateway:instances:leases',
  /** Counter: the registry revision, bumped with every change to the hash. */
  instancesRevision: 'nginx:gateway:instances:revision',
  /** String with TTL: the self-preservation decision of the last eviction run. */
  instancesSelfPreservation: 'nginx:gateway:instances:self_preservation',

  /** Hash: node ip → node spec JSON (the Nginx node inventory, shared by health and config-push). */
  nodes: 'nginx:gateway:nodes',
  /** String: "UP" or "DOWN" for one Nginx node, exactly as the design says. */
  healthStatus: (ip: string) => `nginx:gateway:health_status:${ip}`,
} as const;

/** Pub/Sub channels. Every message carries the revision it produced. */
export const RedisChannels = {
  /** Registry changes: `{"revision":n,"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","id":…}`. */
  instanceChanges: 'nginx:gateway:instances:changes',
  /** Node inventory changes: `{"type":"ADDED|UPDATED|REMOVED","ip":…}`. */
  nodeChanges: 'nginx:gateway:nodes:changes',
  /** Health status transitions: `{"ip":…,"status":"UP|DOWN","previous":…,"time":ms,"reason":…}`. */
  healthChanges: 'nginx:gateway:health:changes',
} as const;
