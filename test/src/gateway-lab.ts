import { writeFileSync } from 'node:fs';
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
} from '@gateway/shared/testing';
import type { TrafficClientConfig } from './traffic-log.js';

/** One gateway Nginx node: its namespace, its nginx (deploy/nginx) and its keepalived (deploy/keepalived). */
export type GatewayNode = {
  readonly role: 'master' | 'backup';
  readonly ns: Namespace;
  readonly nginx: NodeNginxHandle;
  readonly keepalived: KeepalivedHandle;
  holdsVip(): boolean;
};

/** The network of the HA story: two gateway nodes sharing a VIP, and a client namespace. */
export type GatewayLab = {
  readonly network: TestNetwork;
  readonly vip: string;
  readonly vipUrl: string;
  readonly master: GatewayNode;
  readonly backup: GatewayNode;
  readonly clientNs: Namespace;
  /** Which node holds the VIP now (undefined during a takeover). */
  vipHolder(): GatewayNode | undefined;
  /** Waits until `node` alone holds the VIP. */
  waitForVipOn(node: GatewayNode, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

const VIP_INDEX = 10;

/**
 * Builds the lab from the shipped deploy/ assets: namespaces master (.2), backup (.3)
 * and client (.4) on this run's bridge, nginx + keepalived on each node, and waits
 * until the master holds the VIP.
 */
export async function startGatewayLab(): Promise<GatewayLab> {
  const network = createTestNetwork();
  const vip = network.address(VIP_INDEX);
  const nodes: GatewayNode[] = [];
  try {
    const masterNs = network.addNamespace('master', 2);
    const backupNs = network.addNamespace('backup', 3);
    const clientNs = network.addNamespace('client', 4);
    for (const [role, ns, peer] of [
      ['master', masterNs, backupNs],
      ['backup', backupNs, masterNs],
    ] as const) {
      const nginx = await startNodeNginx(ns, prepareNodeNginxFiles());
      const keepalived = await startKeepalived(
        ns,
        prepareKeepalivedFiles({
          role,
          selfIp: ns.ip,
          peerIp: peer.ip,
          vipCidr: `${vip}/${network.prefixLength}`,
          interface: ns.interface,
        }),
      );
      nodes.push({ role, ns, nginx, keepalived, holdsVip: () => ns.hasAddress(vip) });
    }
    const [master, backup] = nodes as [GatewayNode, GatewayNode];
    const vipHolder = () => {
      const holders = nodes.filter((node) => node.holdsVip());
      return holders.length === 1 ? holders[0] : undefined;
    };
    const waitForVipOn = async (node: GatewayNode, timeoutMs = 20_000) => {
      await waitFor(`the VIP ${vip} on the ${node.role}`, () => vipHolder() === node, { timeoutMs, intervalMs: 20 });
    };
    await waitForVipOn(master);
    return {
      network,
      vip,
      vipUrl: `http://${vip}`,
      master,
      backup,
      clientNs,
      vipHolder,
      waitForVipOn,
      async close() {
        for (const node of nodes) await node.keepalived.stop().catch(() => undefined);
        for (const node of nodes) await node.nginx.kill().catch(() => undefined);
        network.teardown();
      },
    };
  } catch (error) {
    for (const node of nodes) await node.keepalived.stop().catch(() => undefined);
    network.teardown();
    throw error;
  }
}

const TRAFFIC_CLIENT = join(fileURLToPath(new URL('.', import.meta.url)), 'traffic-client.js');

/** Starts the traffic client (send SDK) in the client namespace; returns it and its log path. */
export function startTrafficClient(lab: GatewayLab, options: Omit<TrafficClientConfig, 'logPath' | 'vipUrl'>): { process: ManagedProcess; logPath: string } {
  const logPath = join(tempDir('traffic'), 'traffic.jsonl');
  writeFileSync(logPath, '');
  const config: TrafficClientConfig = { ...options, vipUrl: lab.vipUrl, logPath };
  const process_ = lab.clientNs.spawn('traffic-client', process.execPath, [TRAFFIC_CLIENT], {
    env: { PATH: process.env['PATH'] ?? '', TRAFFIC_CONFIG: JSON.stringify(config) },
  });
  return { process: process_, logPath };
}
