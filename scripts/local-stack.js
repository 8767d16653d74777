#!/usr/bin/env node
// `npm start`: the control plane on one machine, on embedded defaults. It starts
// its own redis-server (free port), then registry (127.0.0.1:50051), health
// (127.0.0.1:50052) and config-push (127.0.0.1:50053), with freshly generated
// tokens written to .local-stack/tokens. Ctrl-C drains and stops everything.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = (service) => join(root, 'services', service, 'dist', 'src', 'main.js');
for (const service of ['registry', 'health', 'config-push']) {
  if (!existsSync(entry(service))) {
    console.error(`local-stack: ${entry(service)} is missing: run \`npm run setup\` (or \`npm run build\`) first`);
    process.exit(1);
  }
}
const { startRedisServer, startServiceProcess } = await import(join(root, 'shared', 'dist', 'src', 'testing', 'index.js'));

const stateDir = join(root, '.local-stack');
mkdirSync(stateDir, { recursive: true });
const tokens = Object.fromEntries(['admin', 'core', 'sdk'].map((role) => [role, randomBytes(18).toString('base64url')]));
const tokensFile = join(stateDir, 'tokens');
writeFileSync(tokensFile, Object.entries(tokens).map(([role, token]) => `${role}:${token}`).join('\n') + '\n', { mode: 0o600 });

// config-push's SSH identity and the host keys it trusts (empty until nodes are added).
const sshKey = join(stateDir, 'id_ed25519');
if (!existsSync(sshKey)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gateway-config-push', '-f', sshKey]);
const knownHosts = join(stateDir, 'known_hosts');
if (!existsSync(knownHosts)) writeFileSync(knownHosts, '');

const redis = await startRedisServer();
const common = { REDIS_URL: redis.url, GATEWAY_TOKENS_FILE: tokensFile, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
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
      env: { ...common, ...(name === 'config-push' ? { CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: sshKey, CONFIG_PUSH_KNOWN_HOSTS_FILE: knownHosts } : {}) },
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

console.log(`
local stack is up
  redis        ${redis.url}
  registry     127.0.0.1:50051   (gateway.registry.v1.RegistryService)
  health       127.0.0.1:50052   (gateway.health.v1.NodeHealthService)
  config-push  127.0.0.1:50053   (gateway.configpush.v1.ConfigPushService)
  tokens       ${tokensFile}
  ssh key      ${sshKey}.pub  (authorize it on Nginx nodes; add their host keys to ${knownHosts})
try:
  grpcurl -plaintext 127.0.0.1:50051 list
  grpcurl -plaintext -H 'authorization: Bearer ${tokens.core}' \\
    -d '{"instance":{"group":"default","host":"127.0.0.1","port":8080}}' 127.0.0.1:50051 gateway.registry.v1.RegistryService/Register
Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('local-stack: stopping');
    stopAll().then(() => process.exit(0), () => process.exit(1));
  });
}

function prefix(name, chunk) {
  return chunk.toString('utf8').replace(/^(?=.)/gm, `[${name}] `);
}
