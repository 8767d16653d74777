import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateSshKey, waitFor, type ManagedProcess } from '@gateway/testkit';
import {
  startGatewayLab,
  startTrafficClient,
  type GatewayLab,
  type LabNode,
} from '../src/gateway-lab.js';
import { readTrafficLog, type RequestEvent, type TrafficMode } from '../src/traffic-log.js';

const note = (name: string, value: string | number) => console.log(`# FIGURE ${name}: ${value}`);

/** When `node`'s keepalived last notified `state` at or after `since` (epoch ms), if it did. */
function notifiedAt(node: LabNode, state: string, since: number): number | undefined {
  const fields = node.keepalived
    .history()
    .map((line) => line.split(' '))
    .find((f) => f[2] === state && Number(f[0]) >= since);
  return fields ? Number(fields[0]) : undefined;
}

describe(
  'keepalived as shipped: the master node drops off the network (no priority-0 advert)',
  { timeout: 120_000 },
  () => {
    let lab: GatewayLab;
    let client: { process: ManagedProcess; logPath: string };

    beforeAll(async () => {
      lab = await startGatewayLab({ sshAuthorizedKey: generateSshKey().publicKey });
      // No cores here: nginx answers every request with 502 from the placeholder upstream, which
      // is still an answer; what is measured is whether the VIP answers at all.
      client = startTrafficClient(lab, {
        intervalMs: 50,
        centers: [],
        token: '',
        reporter: 'vrrp-test',
      });
      await waitFor(
        'answers through the VIP in both modes',
        () => answered('sdk', 0).length >= 5 && answered('plain', 0).length >= 5,
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    });

    afterAll(async () => {
      await client?.process.stop('SIGTERM', 5_000);
      await lab?.close();
    });

    /** Requests of `mode` that got an HTTP answer (any status) and ended after `since`. */
    const answered = (mode: TrafficMode, since: number) =>
      requests(mode).filter((e) => e.status > 0 && e.end > since);
    const requests = (mode: TrafficMode) =>
      readTrafficLog(client.logPath).filter(
        (e): e is RequestEvent => e.type === 'request' && e.mode === mode,
      );

    it('the backup takes the VIP after the master-down timer; SDK calls still get answers', async () => {
      const cutAt = Date.now();
      lab.master.ns.exec('ip', ['link', 'set', lab.master.ns.interface, 'down']);
      const takenAt = await waitFor(
        'the backup to notify MASTER',
        () => notifiedAt(lab.backup, 'MASTER', cutAt),
        { timeoutMs: 15_000, intervalMs: 20 },
      );
      note('node_loss_to_backup_master_ms', takenAt - cutAt);
      assert.ok(
        takenAt - cutAt >= 2_500,
        'the backup waited for the master-down timer (3 x advert_int + skew)',
      );
      await waitFor(
        'answers again in both modes',
        () => answered('plain', takenAt).length >= 10 && answered('sdk', takenAt).length >= 10,
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const during = (mode: TrafficMode) => requests(mode).filter((e) => e.start >= cutAt - 200);
      const unanswered = (mode: TrafficMode) => during(mode).filter((e) => e.status === 0).length;
      note('node_loss_plain_unanswered', `${unanswered('plain')}/${during('plain').length}`);
      note('node_loss_sdk_unanswered', `${unanswered('sdk')}/${during('sdk').length}`);
      assert.ok(unanswered('plain') > 0, 'a client without retries saw the outage');
      assert.equal(unanswered('sdk'), 0, 'the SDK rode it out');
    });

    it('the master comes back on the network and takes the VIP back', async () => {
      const backAt = Date.now();
      lab.master.ns.exec('ip', ['link', 'set', lab.master.ns.interface, 'up']);
      await lab.waitForVipOn(lab.master, 20_000);
      note('node_return_to_vip_on_master_ms', Date.now() - backAt);
      assert.equal(lab.vipHolder(), lab.master);
    });
  },
);
