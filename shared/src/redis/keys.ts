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
  /**
   * Sorted set, every score 0: the id of every instance in the hash, so ListInstances pages and
   * snapshots read in id order from a position (ZRANGEBYLEX) and cost what they return.
   * Written by the same Lua scripts as the hash; repaired from the hash when their sizes differ.
   */
  instanceIndex: 'nginx:gateway:instances:index',
  /** Sorted set, every score 0: the ids of one group's instances (the group filter's index). */
  instanceGroupIndex: (group: string) => `nginx:gateway:instances:by_group:${group}`,
  /** The prefix of `instanceGroupIndex`, for scripts that derive the group from an id. */
  instanceGroupIndexPrefix: 'nginx:gateway:instances:by_group:',
  /**
   * Sorted set, every score 0: the ids of the instances one token (by name) registered and
   * owns: its quota's count. Written by the same scripts as the hash (register, deregister,
   * evict); the owner is the stored instance's `owner`.
   */
  instanceOwnerIndex: (owner: string) => `nginx:gateway:instances:by_owner:${owner}`,
  /** The prefix of `instanceOwnerIndex`, for scripts that read the owner from the stored instance. */
  instanceOwnerIndexPrefix: 'nginx:gateway:instances:by_owner:',
  /** Counter: the registry revision, bumped with every change to the hash; counts within the store epoch. */
  instancesRevision: 'nginx:gateway:instances:revision',
  /**
   * String: the store epoch, "<Redis ms>-<16 hex>", created once per dataset by the first
   * revision-bumping write that finds none (a data loss thus starts a new epoch).
   */
  instancesEpoch: 'nginx:gateway:instances:epoch',
  /** Sorted set: recent evictions ("<id>@<revision>" → epoch ms), trimmed to the self-preservation window. */
  instanceEvictions: 'nginx:gateway:instances:evictions',
  /** String with TTL: the self-preservation decision of the last eviction run. */
  instancesSelfPreservation: 'nginx:gateway:instances:self_preservation',
  /**
   * String with TTL (the longest lease): Redis ms when an evictor came back from a Redis outage or
   * master switch; until one lease duration after it, no instance is evicted (its heartbeats may
   * have been lost with the old master or held during the outage).
   */
  instancesEvictionGrace: 'nginx:gateway:instances:eviction_grace',

  /** Hash: node ip → node spec JSON (the Nginx node inventory, shared by health and config-push). */
  nodes: 'nginx:gateway:nodes',
  /** String: "UP" or "DOWN" for one Nginx node, exactly as the design says. */
  healthStatus: (ip: string) => `nginx:gateway:health_status:${ip}`,
  /** Counter: the node inventory revision, bumped with every add, update or removal. */
  nodesRevision: 'nginx:gateway:nodes:revision',
  /**
   * Hash: the companion detail of a node's status (`last_probe_time`, `last_probe_latency_ms`,
   * `last_change_time`, `reason`, `consecutive_failures`, `consecutive_successes`,
   * `last_reporter`, `last_trigger`, `prober`); times in epoch ms of the Redis clock.
   */
  healthDetail: (ip: string) => `nginx:gateway:health_detail:${ip}`,
  /** Counter: bumped with every UP/DOWN transition (lets watchers notice a lost message). */
  healthRevision: 'nginx:gateway:health:revision',
  /** String with TTL: "<redis ms> <replica>" of the last periodic probe round claimed. */
  healthPollClaim: 'nginx:gateway:health:poll_claim',
  /** String with TTL = coalescing window: the id of the suspect-triggered probe round of all nodes now open. */
  healthProbeWindow: 'nginx:gateway:health:probe_window',
  /**
   * String with TTL: held by the suspect-triggered probe of one node while it runs, then for one
   * coalescing window after it ended, so a node is probed at most once per window by those rounds.
   */
  healthProbeGate: (ip: string) => `nginx:gateway:health:probe_gate:${ip}`,
  /** String with TTL: the window id that reports joined, owed one trailing round when it closes. */
  healthProbeTrailing: 'nginx:gateway:health:probe_trailing',
  /**
   * Counter with TTL: suspect reports of one token (by its name, never the client-chosen
   * reporter) in the current rate-limit window.
   */
  healthReporterRate: (token: string) => `nginx:gateway:health:reporter_rate:${token}`,

  /**
   * Stream: the alert outbox of one service (`health`, `config-push`), one entry per alert
   * transition, capped at its MAXLEN; one consumer group per sink (`webhook1`, `dingtalk`).
   */
  alertOutbox: (source: string) => `nginx:gateway:alerts:${source}:outbox`,
  /** Hash: condition key → JSON of its firing alert, for every condition of the service now firing. */
  alertFiring: (source: string) => `nginx:gateway:alerts:${source}:firing`,
  /**
   * Hash: the service's delivery counters and last failure (`delivered`, `failed_attempts`,
   * `refused`, `dropped`, `last_failure`, `last_failure_time`, `last_failure_sink`).
   */
  alertDelivery: (source: string) => `nginx:gateway:alerts:${source}:delivery`,

  /**
   * Hash with TTL: replica id → JSON `{"healthy":[ips],"failed":[ips]}`, the answers of the
   * other health replicas to one mass-failure confirmation request (`id`).
   */
  healthConfirmViews: (id: string) => `nginx:gateway:health:confirm:${id}`,

  /** String with TTL: "<replica id>|<fence>" of the config-push replica that holds the push lease. */
  pushLeader: 'nginx:gateway:push:leader',
  /** Counter: the fencing token, bumped each time a config-push replica takes the push lease. */
  pushFence: 'nginx:gateway:push:fence',
  /** String: JSON of the last accepted render (revision, hash, content, server count): what every node should run. */
  pushDesired: 'nginx:gateway:push:desired',
  /** Hash: node ip → JSON of what the node really runs (revision, hash, time, fence); never moves back. */
  pushApplied: 'nginx:gateway:push:applied',
  /** Hash: node ip → JSON of the last push attempt on the node (outcome, revision, hash, error, time). */
  pushLastResult: 'nginx:gateway:push:last_result',
  /**
   * Hash: instance id → JSON of its quarantine (fingerprint, reason, node, since, checks,
   * next check): instances left out of every render because `nginx -t` refused them. Bounded
   * (CONFIG_PUSH_QUARANTINE_MAX_SHARE); written by the push lease holder only.
   */
  pushQuarantine: 'nginx:gateway:push:quarantine',
} as const;

/** Pub/Sub channels. Every message carries the revision it produced. */
export const RedisChannels = {
  /** Registry changes: `{"epoch":…,"revision":n,"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","id":…}`. */
  instanceChanges: 'nginx:gateway:instances:changes',
  /** Node inventory changes: `{"type":"ADDED|UPDATED|REMOVED","ip":…,"revision":n}`. */
  nodeChanges: 'nginx:gateway:nodes:changes',
  /**
   * Health status transitions: `{"ip":…,"status":"UP|DOWN","previous":"UP|DOWN|","time":ms,"reason":…,"revision":n}`
   * (`previous` is "" for a node's first status). Published by the one replica whose write flipped it.
   */
  healthChanges: 'nginx:gateway:health:changes',
  /**
   * Mass-failure confirmation requests of the health replicas: `{"id":…,"replica":…,"ips":[…]}`;
   * every other replica probes those nodes (of its own inventory) and answers in `healthConfirmViews(id)`.
   */
  healthConfirmRequests: 'nginx:gateway:health:confirm_requests',
  /** Config-push results, one per node and attempt: the JSON stored in `pushLastResult` plus `"ip"`. */
  pushResults: 'nginx:gateway:push:results',
  /** Quarantine transitions: `{"type":"QUARANTINED|READMITTED","id":…}`. */
  pushQuarantineChanges: 'nginx:gateway:push:quarantine:changes',
} as const;
