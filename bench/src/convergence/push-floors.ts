import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import type { Client as SshClient } from 'ssh2';
import { freePort, tempDir, type GatewayNode } from '@gateway/testkit';

const run = promisify(execFile);

/**
 * Where a floor pushes: a file of its own that each node's nginx also includes (the node's
 * extra directory), with its own `server` on `port` and its own map, so config-push (which
 * repairs drift of the live file it owns) never undoes a floor's push mid-measurement.
 */
export type FloorTarget = {
  readonly node: GatewayNode;
  /** The floor's listener on the node: poll `url` as the node's nginx. */
  readonly port: number;
  readonly url: string;
  readonly path: string;
};

export async function floorTargets(nodes: readonly GatewayNode[]): Promise<FloorTarget[]> {
  return await Promise.all(
    nodes.map(async (node) => {
      const port = await freePort(node.ip);
      return {
        node,
        port,
        url: `http://${node.ip}:${port}`,
        path: join(node.extraDir, 'floor.conf'),
      };
    }),
  );
}

/**
 * A file like config-push's render (one upstream per group, a map by X-Gateway-Group),
 * for the floor's own listener: the same work for `nginx -t` and the reload.
 */
export function renderFloor(
  target: FloorTarget,
  groups: readonly string[],
  backendPort: number,
): string {
  const upstream = (name: string) =>
    `upstream floor_${name} {\n    server 127.0.0.1:${backendPort} weight=1 max_fails=1 fail_timeout=10s;\n}\n`;
  return [
    '# floor render\n',
    'upstream floor_none {\n    server 127.0.0.1:9 down;\n}\n',
    ...groups.map(upstream),
    'map $http_x_gateway_group $floor_upstream {\n    default floor_none;\n',
    ...groups.map((group) => `    ${group} floor_${group};\n`),
    '}\n',
    `server {\n    listen ${target.node.ip}:${target.port};\n    location / {\n        proxy_pass http://$floor_upstream;\n    }\n}\n`,
  ].join('\n');
}

/** The bare commands on a node: write the floor's file, `nginx -t`, reload. */
function bareCommand(target: FloorTarget): { install: string; testAndReload: string } {
  const { node } = target;
  const nginx = `nginx -p ${node.nginx.dir}/ -c ${node.nginx.confPath} -e ${node.nginx.errorLogPath}`;
  return {
    install: `cat > ${target.path}`,
    testAndReload: `${nginx} -t -q && ${nginx} -s reload`,
  };
}

/**
 * Floor (a): one persistent ssh2 session per node, opened once; a push is one exec per
 * node (upload on stdin, `nginx -t`, reload), both nodes in parallel.
 */
export type Ssh2Floor = {
  push(contents: (target: FloorTarget) => string): Promise<void>;
  close(): void;
};

export async function Ssh2Floor(
  targets: readonly FloorTarget[],
  privateKeyPath: string,
): Promise<Ssh2Floor> {
  const privateKey = readFileSync(privateKeyPath);
  const clients: SshClient[] = [];
  for (const { node } of targets) {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({
        host: node.ip,
        port: node.sshd.port,
        username: node.sshd.user,
        privateKey,
        readyTimeout: 10_000,
      });
    });
    clients.push(client);
  }
  const exec = (client: SshClient, command: string, stdin: string) =>
    new Promise<void>((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let stderr = '';
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        channel.on('data', () => undefined);
        channel.on('close', (code: number | null) =>
          code === 0 ? resolve() : reject(new Error(`exit ${code}: ${stderr.slice(0, 500)}`)),
        );
        channel.end(stdin);
      });
    });
  return {
    async push(contents) {
      await Promise.all(
        targets.map((target, index) => {
          const { install, testAndReload } = bareCommand(target);
          return exec(clients[index], `${install} && ${testAndReload}`, contents(target));
        }),
      );
    },
    close() {
      for (const client of clients) client.end();
    },
  };
}

/**
 * Floor (b), the predecessor's way: per push and node, a fresh OpenSSH `scp` of the file
 * (`scp -O`: the classic protocol; the nodes run no SFTP subsystem) and a fresh `ssh` running
 * `nginx -t` and the reload (host keys checked), nodes in parallel.
 */
export type OpenSshFloor = { push(contents: (target: FloorTarget) => string): Promise<void> };

export function OpenSshFloor(
  targets: readonly FloorTarget[],
  privateKeyPath: string,
): OpenSshFloor {
  const dir = tempDir('bench-openssh');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(
    knownHosts,
    targets.map(({ node }) => `[${node.ip}]:${node.sshd.port} ${node.sshd.hostKey}\n`).join(''),
  );
  const options = [
    '-i',
    privateKeyPath,
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ConnectTimeout=10',
  ];
  return {
    async push(contents) {
      await Promise.all(
        targets.map(async (floorTarget, index) => {
          const { node } = floorTarget;
          const file = join(dir, `floor-${index}.conf`);
          writeFileSync(file, contents(floorTarget));
          const target = `${node.sshd.user}@${node.ip}`;
          const { testAndReload } = bareCommand(floorTarget);
          await run(
            'scp',
            [
              '-q',
              '-O',
              ...options,
              '-P',
              String(node.sshd.port),
              file,
              `${target}:${floorTarget.path}`,
            ],
            {
              timeout: 30_000,
            },
          );
          await run('ssh', [...options, '-p', String(node.sshd.port), target, testAndReload], {
            timeout: 30_000,
          });
        }),
      );
    },
  };
}
