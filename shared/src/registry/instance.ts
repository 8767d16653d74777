/** What a gateway-core instance declares, validated and normalized. */
export type InstanceSpecData = {
  readonly group: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly maxFails?: number;
  readonly failTimeoutSeconds?: number;
  readonly backup: boolean;
  readonly adminState: AdminStateName;
  readonly metadata: Readonly<Record<string, string>>;
};

export type AdminStateName = 'enabled' | 'draining';

/** An instance as stored in the hash `nginx:gateway:instances` (the field is its id). */
export type StoredInstance = {
  readonly id: string;
  readonly revision: number;
  /** Epoch milliseconds (Redis server time) of the first registration. */
  readonly registerTime: number;
  readonly leaseMs: number;
  /** Hash of the canonical spec: an identical re-registration changes nothing. */
  readonly fingerprint: string;
  /** The name of the token that registered it (absent: stored before ownership existed). */
  readonly owner?: string;
  readonly spec: InstanceSpecData;
};

/** An instance with its lease, as read back together. */
export type LeasedInstance = StoredInstance & {
  /** Epoch milliseconds (Redis server time) when the lease runs out. */
  readonly leaseExpireTime: number;
};
