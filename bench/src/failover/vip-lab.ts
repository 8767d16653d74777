import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestNetwork,
  prepareKeepalivedFiles,
  prepareNodeNginxFiles,
  startKeepalived,
  startNodeNginx,
  tempDir,
  waitFor,
  type KeepalivedHandle,
  type ManagedProcess,
  type Namespace,
  type NodeNginxHandle,
  type TestNetwork,
} from '@gateway/testkit';
import type { TrafficLine } from './sdk-traffic.js';

/** The VRRP settings a run uses: the shipped config, or it with sub-second VRRPv3 adverts. */
export type VrrpVariant = {
  readonly name: string;
  readonly advertIntS: number;
  readonly version: 2 | 3;
};

export const SHIPPED: VrrpVariant = {
  name: 'shipped (VRRPv2, advert_int 1)',
  advertIntS: 1,
  version: 2,
};
export const SUB_SECOND: VrrpVariant = {
  name: 'VRRPv3, advert_int 0.1',
  advertIntS: 0.1,
  version: 3,
};

/** The shipped keepalived config, turned into `variant` (VRRPv3 has no authentication). */
export function applyVariant(conf: string, variant: VrrpVariant): string {
  if (variant.version === 2 && variant.advertIntS === 1) return conf;
  return conf
    .replace(/^(\s*router_id .*)$/m, `$1\n    vrrp_version ${variant.version}`)
    .replace(/^(\s*)advert_int 1$/m, `$1advert_int ${variant.advertIntS}`)
    .replace(/^\s*authentication \{[^}]*\}\n/m, '');
}

type LabNode = { readonly ns: Namespace; readonly nginx: NodeNginxHandle };

/** Master (.2) and backup (.3) nginx nodes sharing a VIP (.10), and a client (.4). */
export type VipLab = {
  readonly vip: string;
  readonly master: LabNode;
  readonly backup: LabNode;
  /** Starts keepalived on both nodes with `variant`; resolves once the master holds the VIP. */
  startVrrp(variant: VrrpVariant): Promise<{ master: KeepalivedHandle; backup: KeepalivedHandle }>;
  stopVrrp(): Promise<void>;
  /** Which node holds the VIP now ('master', 'backup', or undefined: none or both). */
  holder(): 'master' | 'backup' | undefined;
  /** SDK traffic from the client namespace; its lines so far. */
  startTraffic(intervalMs: number): { lines(): TrafficLine[]; stop(): Promise<void> };
  close(): Promise<void>;
};

const TRAFFIC_SCRIPT = fileURLToPath(new URL('./sdk-traffic.js', import.meta.url));

export async function startVipLab(): Promise<VipLab> {
  const network: TestNetwork = createTestNetwork();
  let running: KeepalivedHandle[] = [];
  const nginxes: NodeNginxHandle[] = [];
  try {
    const vip = network.address(10);
    const masterNs = network.addNamespace('master', 2);
    const backupNs = network.addNamespace('backup', 3);
    const clientNs = network.addNamespace('client', 4);
    const node = async (ns: Namespace): Promise<LabNode> => {
      const nginx = await startNodeNginx(ns, prepareNodeNginxFiles());
      nginxes.push(nginx);
      return { ns, nginx };
    };
    const master = await node(masterNs);
    const backup = await node(backupNs);
    const holder = () => {
      const onMaster = masterNs.hasAddress(vip);
      const onBackup = backupNs.hasAddress(vip);
      return onMaster === onBackup ? undefined : onMaster ? 'master' : 'backup';
    };
    const lab: VipLab = {
      vip,
      master,
      backup,
      async startVrrp(variant) {
        const start = async (role: 'master' | 'backup', self: Namespace, peer: Namespace) => {
          const files = prepareKeepalivedFiles({
            role,
            selfIp: self.ip,
            peerIp: peer.ip,
            vipCidr: `${vip}/${network.prefixLength}`,
            interface: self.interface,
          });
          writeFileSync(
            files.confPath,
            applyVariant(readFileSync(files.confPath, 'utf8'), variant),
          );
          const handle = await startKeepalived(self, files);
          running.push(handle);
          return handle;
        };
        const pair = {
          master: await start('master', masterNs, backupNs),
          backup: await start('backup', backupNs, masterNs),
        };
        await waitFor('the VIP on the master', () => holder() === 'master', {
          timeoutMs: 30_000,
          intervalMs: 20,
        });
        return pair;
      },
      async stopVrrp() {
        for (const handle of running) await handle.stop().catch(() => undefined);
        running = [];
      },
      holder,
      startTraffic(intervalMs) {
        const logPath = join(tempDir('failover-traffic'), 'traffic.jsonl');
        writeFileSync(logPath, '');
        const child: ManagedProcess = clientNs.spawn(
          'sdk-traffic',
          process.execPath,
          [TRAFFIC_SCRIPT],
          {
            env: {
              PATH: process.env['PATH'] ?? '',
              FAILOVER_TRAFFIC: JSON.stringify({ url: `http://${vip}`, logPath, intervalMs }),
            },
          },
        );
        return {
          lines: () =>
            readFileSync(logPath, 'utf8')
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => JSON.parse(line) as TrafficLine),
          stop: async () => {
            await child.stop('SIGTERM', 5_000);
          },
        };
      },
      async close() {
        await lab.stopVrrp();
        for (const nginx of nginxes) await nginx.kill().catch(() => undefined);
        network.teardown();
      },
    };
    return lab;
  } catch (error) {
    for (const handle of running) await handle.stop().catch(() => undefined);
    for (const nginx of nginxes) await nginx.kill().catch(() => undefined);
    network.teardown();
    throw error;
  }
}
