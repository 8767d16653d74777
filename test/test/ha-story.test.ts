import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freePort, waitFor, type ManagedProcess } from '@gateway/shared/testing';
import { startGatewayLab, startTrafficClient, type GatewayLab, type GatewayNode } from '../src/gateway-lab.js';
import { figuresBetween, readTrafficLog, successesAfter, type TrafficEvent } from '../src/traffic-log.js';

const figures: Record<string, string | number> = {};
const note = (name: string, value: string | number) => {
  figures[name] = value;
  console.log(`# FIGURE ${name}: ${value}`);
};

describe('the HA story end to end, in network namespaces, on real programs', { timeout: 240_000 }, () => {
  let lab: GatewayLab;
  let client: { process: ManagedProcess; logPath: string };
  const cores: Array<{ server: Server; port: number; id: string }> = [];
  const log = (): TrafficEvent[] => readTrafficLog(client.logPath);

  before(async () => {
    lab = await startGatewayLab();
    for (let i = 1; i <= 2; i++) {
      const port = await freePort(lab.network.rootIp);
      const id = `core-${i}`;
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ core: id }));
      });
      await new Promise<void>((resolve) => server.listen(port, lab.network.rootIp, resolve));
      cores.push({ server, port, id });
    }
  });

  after(async () => {
    await client?.process.stop('SIGTERM', 5_000);
    for (const core of cores) core.server.close();
    await lab?.close();
    console.log(`# FIGURES ${JSON.stringify(figures)}`);
  });

  it('1. both nodes route to the cores; requests through the VIP reach them', async () => {
    const upstreams = [
      'upstream gateway_backend {',
      ...cores.map((core) => `    server ${lab.network.rootIp}:${core.port} max_fails=1 fail_timeout=10s;`),
      '}',
      'map $http_x_gateway_group $gateway_upstream {',
      '    default gateway_backend;',
      '}',
      '',
    ].join('\n');
    for (const node of [lab.master, lab.backup]) {
      writeFileSync(node.nginx.files.upstreamsPath, upstreams);
      await node.nginx.reload();
    }
    client = startTrafficClient(lab, { intervalMs: 50, centers: [], token: '', reporter: 'e2e-client' });
    await waitFor('both modes to get answers from both cores through the VIP', () => {
      const served = new Set(successesAfter(log(), 'sdk', 0).map((r) => r.body).concat(successesAfter(log(), 'plain', 0).map((r) => r.body)));
      return cores.every((core) => [...served].some((body) => body.includes(`"${core.id}"`)));
    }, { timeoutMs: 20_000, intervalMs: 100 });
    assert.equal(lab.vipHolder(), lab.master);
  });

  let killedAt = 0;
  let takeoverAt = 0;
  it('2. kill the master nginx under steady traffic: the VIP moves to the backup; SDK retries keep calls succeeding', async () => {
    killedAt = Date.now();
    await lab.master.nginx.kill();
    await lab.waitForVipOn(lab.backup, 20_000);
    takeoverAt = Date.now();
    const backupMaster = lab.backup.keepalived.history().map((line) => line.split(' ')).find((f) => f[2] === 'MASTER' && Number(f[0]) >= killedAt);
    assert.ok(backupMaster, `backup became MASTER: ${lab.backup.keepalived.history().join(' | ')}`);
    note('vip_takeover_keepalived_ms', Number(backupMaster[0]) - killedAt);
    note('vip_takeover_observed_ms', takeoverAt - killedAt);
    await waitForSteady(takeoverAt);
    const plain = figuresBetween(log(), 'plain', killedAt - 200, Date.now());
    const sdk = figuresBetween(log(), 'sdk', killedAt - 200, Date.now());
    note('failover_plain_requests', plain.requests);
    note('failover_plain_failed', plain.failed);
    note('failover_plain_longest_gap_ms', plain.longestGapMs);
    note('failover_sdk_requests', sdk.requests);
    note('failover_sdk_failed', sdk.failed);
    note('failover_sdk_retried', sdk.retried);
    note('failover_sdk_longest_gap_ms', sdk.longestGapMs);
    assert.ok(plain.failed > 0, 'a client without retries saw the outage (the test measures a real one)');
    assert.equal(sdk.failed, 0, 'no idempotent call through the SDK failed');
    assert.ok(sdk.retried > 0, 'the SDK rode the outage out by retrying');
  });

  it('4. restart the master nginx: it takes the VIP back (preemption) and the SDK loses nothing', async () => {
    const restartedAt = Date.now();
    await lab.master.nginx.start();
    await lab.waitForVipOn(lab.master, 20_000);
    const backAt = Date.now();
    note('vip_back_to_master_ms', backAt - restartedAt);
    await waitForSteady(backAt);
    const plain = figuresBetween(log(), 'plain', restartedAt, Date.now());
    const sdk = figuresBetween(log(), 'sdk', restartedAt, Date.now());
    note('failback_plain_failed', plain.failed);
    note('failback_plain_longest_gap_ms', plain.longestGapMs);
    note('failback_sdk_failed', sdk.failed);
    note('failback_sdk_longest_gap_ms', sdk.longestGapMs);
    assert.equal(sdk.failed, 0);
  });

  /** Waits until both modes have had 10 successes after `since`. */
  async function waitForSteady(since: number): Promise<void> {
    await waitFor('steady traffic again in both modes', () => {
      const events = log();
      return successesAfter(events, 'sdk', since).length >= 10 && successesAfter(events, 'plain', since).length >= 10;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  }
});

export type { GatewayNode };
