import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { DEPLOY_DIR, REPO_ROOT } from '@gateway/testkit';
import {
  portOf,
  serviceOfEntry,
  SERVICE_SCHEMAS,
  type ServiceName,
} from './support/service-schemas.js';
import { parseEnvironmentFile, parseSystemdUnit, unitValue } from './support/systemd-unit.js';
import { assertConsoleEnvironment, assertConsoleExecStart } from './support/console-unit.js';

// Cross-checks the packaging (docker-compose.yml, deploy/systemd, deploy/k8s, Dockerfile)
// against the code: it spawns nothing, it reads files and the services' config schemas.

type Env = Record<string, string>;
const read = (...parts: string[]) => readFileSync(join(...parts), 'utf8');

function assertVariablesKnown(where: string, service: ServiceName, names: Iterable<string>) {
  const known = SERVICE_SCHEMAS.get(service)!.variables;
  for (const name of names)
    assert.ok(known.has(name), `${where}: ${name} is not a variable of ${service}'s config`);
}

describe('docker-compose.yml agrees with the code', () => {
  const compose = parse(read(REPO_ROOT, 'docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      { command?: string[]; environment?: Env; ports?: string[]; secrets?: string[] }
    >;
    secrets: Record<string, { file: string }>;
  };
  const center = Object.entries(compose.services).filter(
    ([, service]) => service.command?.[0] === 'node',
  );

  it('runs every service, each with variables its config reads, on the port it listens on', () => {
    const seen = new Set<string>();
    for (const [name, service] of center) {
      const schema = serviceOfEntry(service.command?.[1] ?? '');
      seen.add(schema.name);
      const env = service.environment ?? {};
      assertVariablesKnown(`docker-compose ${name}`, schema.name, Object.keys(env));
      const listen = portOf(env['GRPC_LISTEN']);
      assert.equal(listen, schema.grpcPort, `${name}: GRPC_LISTEN port`);
      assert.ok(
        (service.ports ?? []).some((mapping) => Number(mapping.split(':').at(-1)) === listen),
        `${name}: a published port maps to ${listen}`,
      );
      const metrics = portOf(env['METRICS_LISTEN']);
      assert.equal(metrics, schema.metricsPort, `${name}: METRICS_LISTEN port`);
      assert.ok(
        (service.ports ?? []).some((mapping) => Number(mapping.split(':').at(-1)) === metrics),
        `${name}: a published port maps to ${metrics}`,
      );
      // Files under /run/secrets are secrets the service mounts and the file declares.
      for (const [variable, value] of Object.entries(env)) {
        const secret = /^\/run\/secrets\/([\w-]+)$/.exec(value)?.[1];
        if (!secret) continue;
        assert.ok(
          service.secrets?.includes(secret),
          `${name}: ${variable} reads secret ${secret} it does not mount`,
        );
        assert.ok(compose.secrets[secret], `${name}: secret ${secret} is not declared`);
      }
    }
    assert.deepEqual([...seen].sort(), ['config-push', 'health', 'registry']);
  });
});

describe('deploy/systemd agrees with the code', () => {
  const dir = join(DEPLOY_DIR, 'systemd');
  const CONSOLE_UNIT = 'gateway-console.service';
  const units = readdirSync(dir).filter(
    (file) => file.endsWith('.service') && file !== CONSOLE_UNIT,
  );

  it('has a hardened unit per service whose EnvironmentFile example sets only variables the service reads', () => {
    const seen = new Set<string>();
    for (const file of units) {
      const unit = parseSystemdUnit(read(dir, file));
      const [program, entry, ...rest] = (unitValue(unit, 'Service', 'ExecStart') ?? '').split(
        /\s+/,
      );
      assert.equal(program, '/usr/bin/node', `${file}: ExecStart runs node`);
      assert.deepEqual(rest, [], `${file}: ExecStart takes no arguments`);
      const root = unitValue(unit, 'Service', 'WorkingDirectory') ?? '';
      assert.ok(entry?.startsWith(`${root}/`), `${file}: the entry lies in WorkingDirectory`);
      const schema = serviceOfEntry(entry.slice(root.length + 1));
      seen.add(schema.name);
      assert.equal(file, `gateway-${schema.name}.service`);
      for (const [key, value] of [
        ['NoNewPrivileges', 'yes'],
        ['ProtectSystem', 'strict'],
        ['KillSignal', 'SIGTERM'],
      ])
        assert.equal(unitValue(unit, 'Service', key), value, `${file}: ${key}`);
      const user = unitValue(unit, 'Service', 'User');
      assert.ok(user && user !== 'root', `${file}: runs as a dedicated user`);
      const environmentFile = unitValue(unit, 'Service', 'EnvironmentFile') ?? '';
      assert.equal(environmentFile, `/etc/gateway/${schema.name}.env`);
      const example = parseEnvironmentFile(read(dir, `${basename(environmentFile)}.example`));
      assertVariablesKnown(`${file} ${environmentFile}`, schema.name, example.keys());
      assert.equal(
        portOf(example.get('GRPC_LISTEN')),
        schema.grpcPort,
        `${file}: GRPC_LISTEN port`,
      );
      assert.equal(
        portOf(example.get('METRICS_LISTEN')),
        schema.metricsPort,
        `${file}: METRICS_LISTEN port`,
      );
    }
    assert.deepEqual([...seen].sort(), ['config-push', 'health', 'registry']);
  });

  it('has a hardened console unit running `gatewayctl console` on loopback, whose EnvironmentFile example sets only variables gatewayctl reads', () => {
    const unit = parseSystemdUnit(read(dir, CONSOLE_UNIT));
    const { listen } = assertConsoleExecStart(unit);
    assert.equal(listen, '127.0.0.1:8088', 'the console listens on loopback, port 8088');
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['KillSignal', 'SIGTERM'],
    ])
      assert.equal(unitValue(unit, 'Service', key), value, `${CONSOLE_UNIT}: ${key}`);
    const user = unitValue(unit, 'Service', 'User');
    assert.ok(user && user !== 'root', `${CONSOLE_UNIT}: runs as a dedicated user`);
    const environmentFile = unitValue(unit, 'Service', 'EnvironmentFile') ?? '';
    assert.equal(environmentFile, '/etc/gateway/console.env');
    assertConsoleEnvironment(
      parseEnvironmentFile(read(dir, `${basename(environmentFile)}.example`)),
    );
  });
});

type K8sObject = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
type Container = {
  command: string[];
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe?: { grpc?: { port: number } };
  livenessProbe?: { grpc?: { port: number } };
  resources?: { requests?: object; limits?: object };
  volumeMounts: { name: string; mountPath: string }[];
};
type PodSpec = {
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string } }[];
};

describe('deploy/k8s agrees with the code', () => {
  const dir = join(DEPLOY_DIR, 'k8s');
  const objects = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(read(dir, file)).map((document) => document.toJSON() as K8sObject),
    );
  const secrets = new Map(
    objects
      .filter((object) => object.kind === 'Secret')
      .map((object) => [
        object.metadata.name,
        Object.keys((object as unknown as { stringData: object }).stringData),
      ]),
  );
  const kustomization = parse(read(dir, 'kustomization.yaml')) as { resources: string[] };

  it('lists every manifest in kustomization.yaml (the Secrets example excepted)', () => {
    const files = readdirSync(dir).filter(
      (file) =>
        file.endsWith('.yaml') && !['kustomization.yaml', 'secrets.example.yaml'].includes(file),
    );
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
  });

  it('runs each service in ≥ 2 replicas with gRPC probes, resources, a PDB, a Service and scrape annotations on its metrics port', () => {
    const seen = new Set<string>();
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      const spec = deployment.spec as {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: { metadata: { annotations: Record<string, string> }; spec: PodSpec };
      };
      const where = `Deployment ${deployment.metadata.name}`;
      const [container] = spec.template.spec.containers;
      assert.ok(container);
      assert.equal(container.command[0], 'node');
      const schema = serviceOfEntry(container.command[1] ?? '');
      seen.add(schema.name);
      assert.ok(spec.replicas >= 2, `${where}: replicas`);
      const env = Object.fromEntries(container.env.map((entry) => [entry.name, entry.value]));
      assertVariablesKnown(where, schema.name, Object.keys(env));
      const grpc = container.ports.find((port) => port.name === 'grpc')?.containerPort;
      assert.equal(
        portOf(env['GRPC_LISTEN']),
        grpc,
        `${where}: GRPC_LISTEN port = containerPort grpc`,
      );
      assert.equal(grpc, schema.grpcPort);
      assert.equal(container.readinessProbe?.grpc?.port, grpc, `${where}: gRPC readiness probe`);
      assert.equal(container.livenessProbe?.grpc?.port, grpc, `${where}: gRPC liveness probe`);
      assert.ok(container.resources?.requests && container.resources.limits, `${where}: resources`);
      const metrics = container.ports.find((port) => port.name === 'metrics')?.containerPort;
      assert.equal(metrics, schema.metricsPort, `${where}: metrics port`);
      assert.equal(portOf(env['METRICS_LISTEN']), metrics, `${where}: METRICS_LISTEN port`);
      const annotations = spec.template.metadata.annotations;
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      assert.equal(Number(annotations['prometheus.io/port']), metrics);
      assert.equal(annotations['prometheus.io/path'], '/metrics');
      // Every file a variable names lies in a mounted Secret that has that key.
      for (const [variable, value] of Object.entries(env)) {
        if (!value.startsWith('/')) continue;
        const mount = container.volumeMounts.find((entry) =>
          value.startsWith(`${entry.mountPath}/`),
        );
        assert.ok(mount, `${where}: ${variable}=${value} is not under a mounted volume`);
        const volume = spec.template.spec.volumes.find((entry) => entry.name === mount.name);
        const secretName = volume?.secret?.secretName ?? '';
        assert.ok(
          secrets.get(secretName)?.includes(basename(value)),
          `${where}: ${variable}: Secret ${secretName} has no key ${basename(value)}`,
        );
      }
      const labels = spec.selector.matchLabels;
      const selects = (object: K8sObject, path: (spec: Record<string, unknown>) => unknown) =>
        JSON.stringify(path(object.spec)) === JSON.stringify(labels);
      assert.ok(
        objects.some(
          (object) =>
            object.kind === 'PodDisruptionBudget' &&
            selects(object, (s) => (s['selector'] as { matchLabels: unknown }).matchLabels),
        ),
        `${where}: a PodDisruptionBudget selects its pods`,
      );
      const service = objects.find(
        (object) => object.kind === 'Service' && selects(object, (s) => s['selector']),
      );
      const servicePorts = (service?.spec['ports'] ?? []) as { port: number; targetPort: string }[];
      assert.ok(
        servicePorts.some((port) => port.port === grpc && port.targetPort === 'grpc'),
        `${where}: a Service on ${grpc}`,
      );
    }
    assert.deepEqual([...seen].sort(), ['config-push', 'health', 'registry']);
  });
});

describe('Dockerfile agrees with the workspaces', () => {
  it("copies every workspace's package.json before npm ci", () => {
    const dockerfile = read(REPO_ROOT, 'Dockerfile');
    const workspaces = (JSON.parse(read(REPO_ROOT, 'package.json')) as { workspaces: string[] })
      .workspaces;
    for (const workspace of workspaces)
      assert.match(
        dockerfile,
        new RegExp(`^COPY ${workspace}/package\\.json ${workspace}/$`, 'm'),
        workspace,
      );
  });
});
