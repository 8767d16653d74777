import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configPushConfigShape } from '@gateway/config-push';
import { healthConfigShape } from '@gateway/health';
import { registryConfigShape } from '@gateway/registry';
import { REPO_ROOT } from '@gateway/testkit';

export type ServiceName = 'registry' | 'health' | 'config-push';

/** What the packaging must agree with, read from the code: each service's variables and default port. */
export type ServiceSchema = {
  readonly name: ServiceName;
  /** Every environment variable its config schema reads. */
  readonly variables: ReadonlySet<string>;
  /** The port of its default GRPC_LISTEN. */
  readonly grpcPort: number;
  /** The port of its default METRICS_LISTEN (/metrics, /healthz, /readyz). */
  readonly metricsPort: number;
};

const SHAPES = {
  registry: registryConfigShape,
  health: healthConfigShape,
  'config-push': configPushConfigShape,
} as const;

export const SERVICE_SCHEMAS: ReadonlyMap<ServiceName, ServiceSchema> = new Map(
  (Object.keys(SHAPES) as ServiceName[]).map((name) => {
    const shape = SHAPES[name];
    const listen = String(shape.GRPC_LISTEN.parse(undefined));
    return [
      name,
      {
        name,
        variables: new Set(Object.keys(shape)),
        grpcPort: Number(listen.split(':').at(-1)),
        metricsPort: Number(shape.METRICS_LISTEN.parse(undefined)?.port),
      },
    ];
  }),
);

/**
 * The service a command runs, from its compiled entry `services/<name>/dist/src/main.js`
 * (relative to the repository, or under an install root): the entry's source must exist.
 */
export function serviceOfEntry(entry: string): ServiceSchema {
  const match = /(?:^|\/)services\/([a-z-]+)\/dist\/src\/main\.js$/.exec(entry);
  if (!match) throw new Error(`${entry} is not a service entry services/<name>/dist/src/main.js`);
  const schema = SERVICE_SCHEMAS.get(match[1] as ServiceName);
  if (!schema) throw new Error(`${entry}: no service named ${match[1]}`);
  const source = join(REPO_ROOT, 'services', schema.name, 'src', 'main.ts');
  if (!existsSync(source)) throw new Error(`${entry}: ${source} does not exist`);
  return schema;
}

/** The port of a host:port listen address. */
export function portOf(listen: string | undefined): number {
  return Number(listen?.split(':').at(-1));
}
