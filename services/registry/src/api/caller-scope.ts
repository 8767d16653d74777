import { ServerError, Status } from 'nice-grpc';
import type { TokenIdentity } from '@gateway/shared';
import type { StoreCaller } from '../store/registry-store.js';

/** What the store needs to know of the caller: its name (the owner), admin or not, its quota. */
export function storeCallerOf(identity: TokenIdentity): StoreCaller {
  return {
    name: identity.name,
    mayActOnAny: identity.role === 'admin',
    ...(identity.quota !== undefined ? { quota: identity.quota } : {}),
  };
}

/** A core token scoped to groups registers in those groups only. */
export function checkGroupScope(identity: TokenIdentity, group: string): void {
  if (identity.groups && !identity.groups.includes(group)) {
    throw new ServerError(
      Status.PERMISSION_DENIED,
      `instance.group: token "${identity.name}" may register in ${identity.groups.map((name) => `"${name}"`).join(', ')} only, not "${group}"`,
    );
  }
}

/** The answer when another token owns the instance. */
export function notOwner(id: string, identity: TokenIdentity, action: string): ServerError {
  return new ServerError(
    Status.PERMISSION_DENIED,
    `instance ${id} was registered by another token: only that token or an admin may ${action} it (caller "${identity.name}")`,
  );
}
