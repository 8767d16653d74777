#!/usr/bin/env node
// `npm start`: the whole system on one machine, on embedded defaults. It starts
// its own redis-server (free port), then registry (127.0.0.1:50051), health
// (127.0.0.1:50052) and config-push (127.0.0.1:50053), with freshly generated
// tokens written to .local-stack/tokens. As root (sshd needs it) it also starts a
// local data plane: two Nginx nodes on 127.0.0.2 and 127.0.0.3 (nginx + sshd + the
// shipped apply script), added through the health service, and two example
// gateway-core processes that register through the SDK's registrar, so config-push
// renders and pushes for real. LOCAL_STACK_NODES=0 skips the data plane. There is
// no VIP here (keepalived needs network namespaces: see the end-to-end test).
// Ctrl-C drains and stops everything.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = (service) => join(root, 'services', service, 'dist', 'src', 'main.js');
for (const service of ['registry', 'health', 'config-push']) {
  if (!existsSync(entry(service))) {
    console.error(
      `local-stack: ${entry(service)} is missing: run \`npm run setup\` (or \`npm run build\`) first`,
    );
    process.exit(1);
  }
}
const {
  APPLY_SCRIPT,
  freePort,
  startGatewayNode,
  startProcess,
  startRedisServer,
  startServiceProcess,
  waitFor,
} = await import(join(root, 'shared', 'dist', 'src', 'testing', 'index.js'));

const stateDir = join(root, '.local-stack');
mkdirSync(stateDir, { recursive: true });
const tokens = Object.fromEntries(
  ['admin', 'core', 'sdk'].map((role) => [role, randomBytes(18).toString('base64url')]),
);
const tokensFile = join(stateDir, 'tokens');
writeFileSync(
  tokensFile,
  Object.entries(tokens)
    .map(([role, token]) => `${role}:${token}`)
    .join('\n') + '\n',
  { mode: 0o600 },
);

// config-push's SSH identity and the host keys it trusts (empty until nodes are added).
const sshKey = join(stateDir, 'id_ed25519');
if (!existsSync(sshKey))
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'gateway-config-push',
    '-f',
    sshKey,
  ]);
const knownHosts = join(stateDir, 'known_hosts');
if (!existsSync(knownHosts)) writeFileSync(knownHosts, '');

const redis = await startRedisServer();
const common = {
  REDIS_URL: redis.url,
  GATEWAY_TOKENS_FILE: tokensFile,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
const services = [];
const stopAll = async () => {
  await Promise.all(services.reverse().map((service) => service.stop(6_000)));
  await redis.stop();
};

try {
  const ports = { registry: 50051, health: 50052, 'config-push': 50053 };
  for (const [name, port] of Object.entries(ports)) {
    const service = await startServiceProcess({
      name,
      entry: entry(name),
      env: {
        ...common,
        ...(name === 'config-push'
          ? {
              CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: sshKey,
              CONFIG_PUSH_KNOWN_HOSTS_FILE: knownHosts,
              // The local nodes log in their sshd's own user and run the shipped script directly (no sudo).
              CONFIG_PUSH_REMOTE_COMMAND: APPLY_SCRIPT,
            }
          : {}),
      },
      port,
      ownProcessGroup: true,
    });
    services.push(service);
    service.process.child.stdout.on('data', (chunk) => process.stdout.write(prefix(name, chunk)));
    service.process.child.stderr.on('data', (chunk) => process.stderr.write(prefix(name, chunk)));
  }
} catch (error) {
  console.error(`local-stack: ${error.message}`);
  await stopAll();
  process.exit(1);
}

const dataPlane = process.getuid?.() === 0 && process.env.LOCAL_STACK_NODES !== '0';
let nodeLines =
  '  (no Nginx nodes: run as root for the local data plane; LOCAL_STACK_NODES=0 skips it)';
if (dataPlane) {
  try {
    nodeLines = await startDataPlane();
  } catch (error) {
    console.error(`local-stack: the local data plane did not start: ${error.message}`);
    await stopAll();
    process.exit(1);
  }
}

console.log(`
local stack is up
  redis        ${redis.url}
  registry     127.0.0.1:50051   (gateway.registry.v1.RegistryService)
  health       127.0.0.1:50052   (gateway.health.v1.NodeHealthService)
  config-push  127.0.0.1:50053   (gateway.configpush.v1.ConfigPushService)
  tokens       ${tokensFile}
  ssh key      ${sshKey}.pub
${nodeLines}
try:
  grpcurl -plaintext 127.0.0.1:50051 list
  grpcurl -plaintext -H 'authorization: Bearer ${tokens.core}' \\
    -d '{"instance":{"group":"default","host":"127.0.0.1","port":8080}}' 127.0.0.1:50051 gateway.registry.v1.RegistryService/Register
Ctrl-C to stop.
`);

/** Two Nginx nodes, added through the health service, and two gateway-cores registered through the registrar. */
async function startDataPlane() {
  const { createChannel, createClient, Metadata } = await import('nice-grpc');
  const { NodeHealthServiceDefinition } = await import(join(root, 'proto', 'dist', 'health.js'));
  const publicKey = readFileSync(`${sshKey}.pub`, 'utf8').trim();
  const lines = [];
  const channel = createChannel('127.0.0.1:50052');
  const health = createClient(NodeHealthServiceDefinition, channel, {
    '*': { metadata: Metadata({ authorization: `Bearer ${tokens.admin}` }) },
  });
  try {
    for (const ip of ['127.0.0.2', '127.0.0.3']) {
      const node = await startGatewayNode(ip, publicKey);
      services.unshift({ stop: () => node.stop() });
      const spec = node.spec();
      await health.addNode({
        node: {
          ip: spec.ip,
          healthUrl: spec.healthUrl,
          ssh: {
            host: spec.ssh.host,
            port: spec.ssh.port,
            user: spec.ssh.user,
            hostKey: spec.ssh.hostKey ?? '',
          },
          configPath: spec.configPath,
          label: `local-${ip}`,
        },
      });
      lines.push(
        `  nginx node   http://${ip}:${node.nginx.port}/   (ssh ${ip}:${node.sshd.port}; rendered file ${node.livePath})`,
      );
    }
  } finally {
    channel.close();
  }
  for (const id of ['core-1', 'core-2']) {
    const port = await freePort();
    const core = startProcess(
      `gateway-core:${id}`,
      process.execPath,
      [join(root, 'examples', 'gateway-core', 'dist', 'src', 'main.js')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          CORE_LISTEN: `127.0.0.1:${port}`,
          CORE_ID: id,
          REGISTRY_ADDRESSES: '127.0.0.1:50051',
          GATEWAY_CORE_TOKEN: tokens.core,
        },
        ownProcessGroup: true,
      },
    );
    services.unshift({ stop: () => core.stop('SIGTERM', 10_000) });
    core.child.stdout.on('data', (chunk) => process.stdout.write(prefix(id, chunk)));
    core.child.stderr.on('data', (chunk) => process.stderr.write(prefix(id, chunk)));
    await waitFor(`${id} to register`, () => /registrar: registered/.test(core.output()), {
      timeoutMs: 15_000,
    });
    lines.push(`  core         http://127.0.0.1:${port}/   (${id}, registered in group default)`);
  }
  const first = lines[0].match(/http:\/\/[^ ]+/)[0];
  await waitFor(
    'the nodes to route to the cores',
    async () => (await fetch(first, { signal: AbortSignal.timeout(1_000) })).ok,
    { timeoutMs: 20_000, intervalMs: 200 },
  );
  lines.push(
    `  try: curl ${first}   (answered by a core, through nginx, with the upstream config-push rendered)`,
  );
  return lines.join('\n');
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('local-stack: stopping');
    stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

function prefix(name, chunk) {
  return chunk.toString('utf8').replace(/^(?=.)/gm, `[${name}] `);
}
