import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appliedRevisions,
  createTestNetwork,
  readApplyJournal,
  writeApplyConf,
  prepareKeepalivedFiles,
  prepareNodeNginxFiles,
  startKeepalived,
  startNodeNginx,
  startSshd,
  tempDir,
  waitFor,
  type KeepalivedHandle,
  type ManagedProcess,
  type Namespace,
  type NodeNginxHandle,
  type SshdHandle,
  type TestNetwork,
  REPO_ROOT,
} from '@gateway/testkit';
import type { NodeSpecData } from '@gateway/shared';
import type { TrafficClientConfig } from './traffic-log.js';

/**
 * One gateway Nginx node of the lab, in its own namespace: nginx (deploy/nginx), keepalived
 * (deploy/keepalived) and sshd. (testkit's GatewayNode is a node on a loopback address, without VRRP.)
 */
export type LabNode = {
  readonly role: 'master' | 'backup';
  readonly ns: Namespace;
  readonly nginx: NodeNginxHandle;
  readonly keepalived: KeepalivedHandle;
  /** sshd on port 22 with key-only login; its sessions find the node-side apply config. */
  readonly sshd: SshdHandle;
  holdsVip(): boolean;
  /** The node as the inventory knows it (health and config-push). */
  spec(): NodeSpecData;
  /** The rendered upstream file the node runs now. */
  upstreams(): string;
  /** Revisions the node-side apply script applied or confirmed, in order (its journal). */
  appliedRevisions(): number[];
};

/** The network of the HA story: two gateway nodes sharing a VIP, and a client namespace. */
export type GatewayLab = {
  readonly network: TestNetwork;
  readonly vip: string;
  readonly vipUrl: string;
  readonly master: LabNode;
  readonly backup: LabNode;
  readonly clientNs: Namespace;
  /** Which node holds the VIP now (undefined during a takeover). */
  vipHolder(): LabNode | undefined;
  /** Waits until `node` alone holds the VIP. */
  waitForVipOn(node: LabNode, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

const VIP_INDEX = 10;

/**
 * Builds the lab from the shipped deploy/ assets: namespaces master (.2), backup (.3)
 * and client (.4) on this run's bridge, nginx + keepalived on each node, and waits
 * until the master holds the VIP.
 */
export async function startGatewayLab(options: { sshAuthorizedKey: string }): Promise<GatewayLab> {
  const network = createTestNetwork();
  const vip = network.address(VIP_INDEX);
  const nodes: LabNode[] = [];
  try {
    const masterNs = network.addNamespace('master', 2);
    const backupNs = network.addNamespace('backup', 3);
    const clientNs = network.addNamespace('client', 4);
    for (const [role, ns, peer] of [
      ['master', masterNs, backupNs],
      ['backup', backupNs, masterNs],
    ] as const) {
      // As on a real node, nginx serves keepalived's recorded VRRP state in /healthz.
      const keepalivedFiles = prepareKeepalivedFiles({
        role,
        selfIp: ns.ip,
        peerIp: peer.ip,
        vipCidr: `${vip}/${network.prefixLength}`,
        interface: ns.interface,
      });
      const nginxFiles = prepareNodeNginxFiles({ vrrpStateDir: keepalivedFiles.stateDir });
      const nginx = await startNodeNginx(ns, nginxFiles);
      const applyDir = tempDir(`apply-${role}`);
      const stateDir = join(applyDir, 'state');
      mkdirSync(stateDir, { mode: 0o755 });
      const applyConf = writeApplyConf(applyDir, {
        livePath: nginxFiles.upstreamsPath,
        nginxArgs: [...nginxFiles.nginxArgs, '-e', nginxFiles.errorLogPath],
        pidPath: nginxFiles.pidPath,
        stateDir,
      });
      const sshd = await startSshd({
        netns: ns,
        authorizedKeys: [options.sshAuthorizedKey],
        setEnv: { GATEWAY_APPLY_CONF: applyConf },
      });
      const keepalived = await startKeepalived(ns, keepalivedFiles);
      nodes.push({
        role,
        ns,
        nginx,
        keepalived,
        sshd,
        holdsVip: () => ns.hasAddress(vip),
        spec: () => ({
          ip: ns.ip,
          healthUrl: `http://${ns.ip}/healthz`,
          ssh: { host: ns.ip, port: sshd.port, user: sshd.user, hostKey: sshd.hostKey },
          configPath: nginxFiles.upstreamsPath,
          label: role,
        }),
        upstreams: () => readFileSync(nginxFiles.upstreamsPath, 'utf8'),
        appliedRevisions: () => appliedRevisions(readApplyJournal(stateDir)),
      });
    }
    const [master, backup] = nodes as [LabNode, LabNode];
    const vipHolder = () => {
      const holders = nodes.filter((node) => node.holdsVip());
      return holders.length === 1 ? holders[0] : undefined;
    };
    const waitForVipOn = async (node: LabNode, timeoutMs = 20_000) => {
      await waitFor(`the VIP ${vip} on the ${node.role}`, () => vipHolder() === node, {
        timeoutMs,
        intervalMs: 20,
      });
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
        for (const node of nodes) await node.sshd.stop().catch(() => undefined);
        network.teardown();
      },
    };
  } catch (error) {
    for (const node of nodes) await node.keepalived.stop().catch(() => undefined);
    network.teardown();
    throw error;
  }
}

/** The compiled traffic client: it runs as its own node process inside the client namespace. */
const TRAFFIC_CLIENT = join(REPO_ROOT, 'test', 'dist', 'src', 'traffic-client.js');

/** Starts the traffic client (send SDK) in the client namespace; returns it and its log path. */
export function startTrafficClient(
  lab: GatewayLab,
  options: Omit<TrafficClientConfig, 'logPath' | 'vipUrl'>,
): { process: ManagedProcess; logPath: string } {
  const logPath = join(tempDir('traffic'), 'traffic.jsonl');
  writeFileSync(logPath, '');
  const config: TrafficClientConfig = { ...options, vipUrl: lab.vipUrl, logPath };
  const process_ = lab.clientNs.spawn('traffic-client', process.execPath, [TRAFFIC_CLIENT], {
    env: { PATH: process.env['PATH'] ?? '', TRAFFIC_CONFIG: JSON.stringify(config) },
  });
  return { process: process_, logPath };
}
