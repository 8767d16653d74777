import { createHash } from 'node:crypto';
import { FieldViolation } from '../validation/field-violation.js';
import { normalizeHost } from '../validation/host.js';
import {
  requireIntegerInRange,
  requireMaxLength,
  requireNonEmpty,
  requirePrintable,
} from '../validation/text-rules.js';
import type { AdminStateName, InstanceSpecData } from './instance.js';

export const GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const METADATA_KEY_PATTERN = /^[A-Za-z0-9._/-]{1,63}$/;
const MAX_METADATA_ENTRIES = 16;
const MAX_METADATA_VALUE_LENGTH = 256;
export const DEFAULT_WEIGHT = 1;

/** The raw fields of a spec, before validation (weight 0 means the default). */
export type InstanceSpecInput = {
  group: string;
  host: string;
  port: number;
  weight: number;
  maxFails?: number | undefined;
  failTimeoutSeconds?: number | undefined;
  backup: boolean;
  adminState: AdminStateName;
  metadata: Record<string, string>;
};

/**
 * Validates every field of an instance spec and returns its normalized form. Used
 * when a client registers and again when config-push renders, so nothing reaches
 * the Nginx config unchecked. `prefix` names the request field in errors.
 */
export function checkInstanceSpec(input: InstanceSpecInput, prefix: string): InstanceSpecData {
  requireMaxLength(`${prefix}.group`, input.group, 63);
  requireNonEmpty(`${prefix}.group`, input.group);
  if (!GROUP_PATTERN.test(input.group)) {
    throw new FieldViolation(
      `${prefix}.group`,
      'must be 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit',
    );
  }
  const host = normalizeHost(`${prefix}.host`, input.host);
  requireIntegerInRange(`${prefix}.port`, input.port, 1, 65535);
  const weight = input.weight === 0 ? DEFAULT_WEIGHT : input.weight;
  requireIntegerInRange(`${prefix}.weight`, weight, 1, 100);
  if (input.maxFails !== undefined)
    requireIntegerInRange(`${prefix}.max_fails`, input.maxFails, 0, 100);
  if (input.failTimeoutSeconds !== undefined) {
    requireIntegerInRange(`${prefix}.fail_timeout`, input.failTimeoutSeconds, 1, 3600);
  }
  const metadata = checkMetadata(`${prefix}.metadata`, input.metadata);
  return {
    group: input.group,
    host,
    port: input.port,
    weight,
    ...(input.maxFails !== undefined ? { maxFails: input.maxFails } : {}),
    ...(input.failTimeoutSeconds !== undefined
      ? { failTimeoutSeconds: input.failTimeoutSeconds }
      : {}),
    backup: input.backup,
    adminState: input.adminState,
    metadata,
  };
}

function checkMetadata(field: string, metadata: Record<string, string>): Record<string, string> {
  const keys = Object.keys(metadata).sort();
  if (keys.length > MAX_METADATA_ENTRIES) {
    throw new FieldViolation(
      field,
      `must have at most ${MAX_METADATA_ENTRIES} entries (got ${keys.length})`,
    );
  }
  const sorted: Record<string, string> = {};
  for (const key of keys) {
    if (!METADATA_KEY_PATTERN.test(key)) {
      throw new FieldViolation(
        `${field}[${JSON.stringify(key.slice(0, 64))}]`,
        'keys must be 1-63 characters of letters, digits, ".", "_", "/" or "-"',
      );
    }
    const value = metadata[key];
    requireMaxLength(`${field}[${key}]`, value, MAX_METADATA_VALUE_LENGTH);
    requirePrintable(`${field}[${key}]`, value);
    sorted[key] = value;
  }
  return sorted;
}

/** The spec as canonical JSON: fixed key order, sorted metadata. Same spec, same bytes. */
export function canonicalSpecJson(spec: InstanceSpecData): string {
  return JSON.stringify({
    group: spec.group,
    host: spec.host,
    port: spec.port,
    weight: spec.weight,
    maxFails: spec.maxFails,
    failTimeoutSeconds: spec.failTimeoutSeconds,
    backup: spec.backup,
    adminState: spec.adminState,
    metadata: Object.fromEntries(
      Object.entries(spec.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  });
}

export function specFingerprint(specJson: string): string {
  return createHash('sha256').update(specJson).digest('hex').slice(0, 32);
}
