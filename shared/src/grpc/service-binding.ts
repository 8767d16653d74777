import type { Server, ServiceImplementation, TsProtoServiceDefinition } from 'nice-grpc';
import type { Role } from '../auth/roles.js';

/** Which roles may call each RPC of a service, by RPC name (`admin` may always). */
export type AccessRules = Readonly<Record<string, readonly Role[]>>;

/** A service implementation with its access rules, ready to be added to a server. */
export type ServiceBinding = {
  readonly fullName: string;
  /** `/package.Service/Method` → roles. */
  readonly methodRoles: ReadonlyMap<string, readonly Role[]>;
  add(server: Server<object>): void;
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
  return {
    fullName: definition.fullName,
    methodRoles,
    add: (server) => server.add(definition, implementation),
  };
}
