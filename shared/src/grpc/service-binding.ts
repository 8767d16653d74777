import type { Server, ServiceImplementation, TsProtoServiceDefinition } from 'nice-grpc';
import type { Role } from '../auth/roles.js';
import type { AuditTarget } from './audit-middleware.js';
import { guardRequestDecoding } from './undecodable-request.js';

/** Which roles may call each RPC of a service, by RPC name (`admin` may always). */
export type AccessRules = Readonly<Record<string, readonly Role[]>>;

/** A service implementation with its access rules, ready to be added to a server. */
export type ServiceBinding = {
  readonly fullName: string;
  /** `/package.Service/Method` → roles. */
  readonly methodRoles: ReadonlyMap<string, readonly Role[]>;
  /** `/package.Service/Method` of the audited (mutating) RPCs → their target in the raw request. */
  readonly audited: ReadonlyMap<string, AuditTarget>;
  /** `/package.Service/Method` of the RPCs under the per-token rate limit. */
  readonly rateLimited: ReadonlySet<string>;
  add(server: Server<object>): void;
};

type RequestOf<Method> = Method extends { requestType: { decode(input: Uint8Array): infer R } }
  ? R
  : never;

/**
 * The mutating RPCs of a service (by method key): each is written to the audit log, with
 * what it acts on read from the raw request (used when the handler did not note a
 * validated target), and each is under the per-token rate limit.
 */
export type AuditRules<Definition extends TsProtoServiceDefinition> = {
  readonly [Key in keyof Definition['methods']]?: (
    request: RequestOf<Definition['methods'][Key]>,
  ) => string;
};

/**
 * Binds an implementation to its ts-proto definition. Every RPC must have an access
 * rule and every rule must name an RPC: a forgotten rule fails at start-up, never
 * opens a hole.
 */
export function bindService<Definition extends TsProtoServiceDefinition>(
  definition: Definition,
  implementation: ServiceImplementation<Definition>,
  access: AccessRules,
  limits: {
    /** Audited and rate-limited. */
    readonly audit?: AuditRules<Definition>;
    /** Rate-limited only (not a change of state, but costly when flooded). */
    readonly rateLimited?: ReadonlyArray<keyof Definition['methods']>;
  } = {},
): ServiceBinding {
  const methodRoles = new Map<string, readonly Role[]>();
  const rpcNames = Object.values(definition.methods).map((method) => method.name);
  for (const name of rpcNames) {
    const roles = access[name];
    if (!roles) throw new Error(`${definition.fullName}/${name} has no access rule`);
    methodRoles.set(`/${definition.fullName}/${name}`, roles);
  }
  for (const name of Object.keys(access)) {
    if (!rpcNames.includes(name))
      throw new Error(`access rule for unknown RPC ${definition.fullName}/${name}`);
  }
  const pathOf = (key: PropertyKey) => {
    const method = definition.methods[key as string];
    if (!method) throw new Error(`${definition.fullName} has no method ${String(key)}`);
    return `/${definition.fullName}/${method.name}`;
  };
  const audited = new Map<string, AuditTarget>();
  for (const [key, target] of Object.entries(limits.audit ?? {})) {
    if (typeof target === 'function')
      audited.set(pathOf(key), (request) => (target as (request: unknown) => string)(request));
  }
  const rateLimited = new Set([...audited.keys(), ...(limits.rateLimited ?? []).map(pathOf)]);
  return {
    fullName: definition.fullName,
    methodRoles,
    audited,
    rateLimited,
    // Undecodable request bytes reach the middleware as a marker (see requestDecodingMiddleware).
    add: (server) => server.add(guardRequestDecoding(definition), implementation),
  };
}
