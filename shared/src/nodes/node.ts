/** How config-push reaches a node over SSH. */
export type SshEndpointData = {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Pinned host key, "<type> <base64>"; absent means the known_hosts file decides. */
  readonly hostKey?: string;
};

/** An Nginx node of the inventory (hash `nginx:gateway:nodes`, field = ip). */
export type NodeSpecData = {
  /** Canonical IPv4 or IPv6 address: the node's identity. */
  readonly ip: string;
  /** http(s)://<ip>[:port]/path probed by the health service. */
  readonly healthUrl: string;
  readonly ssh: SshEndpointData;
  /** Absolute path of the rendered upstream file the node's nginx.conf includes. */
  readonly configPath: string;
  readonly label: string;
};

export const HEALTH_STATUSES = ['UP', 'DOWN'] as const;
/** The exact strings stored at `nginx:gateway:health_status:<ip>`. */
export type HealthStatusName = (typeof HEALTH_STATUSES)[number];
