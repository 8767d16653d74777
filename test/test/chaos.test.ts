import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createChannel, createClient, Metadata, type Channel } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import {
  generateSshKey,
  onCleanup,
  waitFor,
  type ManagedProcess,
  type ServiceProcess,
} from '@gateway/testkit';
import { accountAlerts, raisedAlerts, type RaisedAlert } from '../src/alert-accounting.js';
import {
  ADMIN_TOKEN,
  CORE_TOKEN,
  startControlPlane,
  type ControlPlane,
} from '../src/control-plane.js';
import { startGatewayLab, type GatewayLab } from '../src/gateway-lab.js';

/** `CHAOS_DURATION` ("40s", "3m" or milliseconds): how long processes are killed. `npm run test:chaos` sets minutes. */
function chaosDurationMs(text = process.env['CHAOS_DURATION'] ?? '40s'): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`CHAOS_DURATION must be like 40s, 3m or 45000 (got ${text})`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] ?? 'ms']!;
}

const DURATION_MS = chaosDurationMs();
const KILL_EVERY_MS = 3_000;
const CHANGE_EVERY_MS = 250;
/** The backup node is cut off from the center this long, every FLAP_EVERY_MS: DOWN and recovery alerts. */
const FLAP_EVERY_MS = 15_000;
const FLAP_FOR_MS = 7_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chaos: random center processes SIGKILLed while changes flow', () => {
  let lab: GatewayLab;
  let plane: ControlPlane;
  const channels: Channel[] = [];
  let cutOff: string | undefined;
  const heal = () => {
    if (cutOff === undefined) return;
    execFileSync('ip', ['route', 'del', 'prohibit', `${cutOff}/32`], { stdio: 'ignore' });
    cutOff = undefined;
  };

  beforeAll(async () => {
    const key = generateSshKey();
    lab = await startGatewayLab({ sshAuthorizedKey: key.publicKey });
    plane = await startControlPlane({
      healthHost: lab.network.rootIp,
      nodes: [lab.master.spec(), lab.backup.spec()],
      privateKeyPath: key.privateKeyPath,
    });
    onCleanup(() => {
      try {
        heal();
      } catch {
        // already gone
      }
    });
    for (const node of [lab.master, lab.backup]) {
      await waitFor(
        `the ${node.role} to be probed UP`,
        async () => (await plane.redis.client.get(RedisKeys.healthStatus(node.ns.ip))) === 'UP',
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    }
  });

  afterAll(async () => {
    heal();
    for (const channel of channels) channel.close();
    await plane?.close();
    await lab?.close();
  });

  it(
    'ends with both nodes on the latest revision and every alert delivered',
    { timeout: DURATION_MS + 240_000 },
    async () => {
      const registryClient = (replica: ServiceProcess) => {
        const channel = createChannel(replica.address);
        channels.push(channel);
        return createClient(RegistryServiceDefinition, channel, {
          '*': { metadata: Metadata({ authorization: `Bearer ${CORE_TOKEN}` }) },
        });
      };
      // Addresses stay the same across restarts: one client per address.
      const registries = plane.registries.map(registryClient);
      const stopAt = Date.now() + DURATION_MS;
      const live = new Set<number>();
      let next = 0;
      const changes = { acknowledged: 0, failed: 0 };

      const changeLoop = async () => {
        while (Date.now() < stopAt) {
          const client = registries[Math.floor(Math.random() * registries.length)];
          const register = live.size < 5 || Math.random() < 0.6;
          const port = register
            ? 20_000 + next++
            : [...live][Math.floor(Math.random() * live.size)];
          try {
            if (register) {
              await client.register(
                {
                  instance: { group: 'default', host: lab.network.rootIp, port, weight: 1 },
                  leaseDuration: { seconds: 300, nanos: 0 },
                },
                { signal: AbortSignal.timeout(3_000) },
              );
              live.add(port);
            } else {
              await client.deregister(
                { instanceId: `default/${lab.network.rootIp}/${port}` },
                { signal: AbortSignal.timeout(3_000) },
              );
              live.delete(port);
            }
            changes.acknowledged += 1;
          } catch {
            changes.failed += 1; // the replica was killed: the next change goes on
          }
          await pause(CHANGE_EVERY_MS);
        }
      };

      const flapLoop = async () => {
        while (Date.now() + FLAP_EVERY_MS < stopAt) {
          await pause(FLAP_EVERY_MS - FLAP_FOR_MS);
          cutOff = lab.backup.ns.ip;
          execFileSync('ip', ['route', 'add', 'prohibit', `${cutOff}/32`]);
          await pause(FLAP_FOR_MS);
          heal();
        }
      };

      const everyProcess: Array<{ source: RaisedAlert['source']; process: ManagedProcess }> = [];
      const remember = () => {
        for (const [source, list] of [
          ['health', plane.healths],
          ['config-push', plane.pushers],
        ] as const) {
          for (const replica of list) {
            if (!everyProcess.some((entry) => entry.process === replica.process))
              everyProcess.push({ source, process: replica.process });
          }
        }
      };
      remember();
      const killedAt = new Map<ManagedProcess, number>();
      const kills: Record<string, number> = { registry: 0, health: 0, 'config-push': 0 };

      const killLoop = async () => {
        while (Date.now() + KILL_EVERY_MS < stopAt) {
          await pause(KILL_EVERY_MS);
          const all = [
            ...plane.registries.map((replica) => ['registry', replica] as const),
            ...plane.healths.map((replica) => ['health', replica] as const),
            ...plane.pushers.map((replica) => ['config-push', replica] as const),
          ];
          const [service, victim] = all[Math.floor(Math.random() * all.length)];
          await victim.process.stop('SIGKILL');
          killedAt.set(victim.process, Date.now());
          kills[service] += 1;
          await plane.restart(victim);
          remember();
        }
      };

      await Promise.all([changeLoop(), flapLoop(), killLoop()]);
      heal();

      // Converged: the desired config renders the registry's latest revision, and both nodes run it.
      const admin = createClient(
        RegistryServiceDefinition,
        createChannel(plane.registries[0].address),
        {
          '*': { metadata: Metadata({ authorization: `Bearer ${ADMIN_TOKEN}` }) },
        },
      );
      let final = { registry: 0, desired: 0, master: 0, backup: 0 };
      await waitFor(
        'both nodes to run the desired config of the latest registry revision',
        async () => {
          const [revision, desiredJson] = await Promise.all([
            plane.redis.client.get(RedisKeys.instancesRevision),
            plane.redis.client.get(RedisKeys.pushDesired),
          ]);
          const desired = JSON.parse(desiredJson ?? '{}') as { revision?: number; hash?: string };
          final = {
            registry: Number(revision ?? 0),
            desired: desired.revision ?? 0,
            master: lab.master.appliedRevisions().at(-1) ?? 0,
            backup: lab.backup.appliedRevisions().at(-1) ?? 0,
          };
          // The figures printed below are the very values this check passed on.
          return (
            final.desired === final.registry &&
            final.master === final.desired &&
            final.backup === final.desired &&
            [lab.master, lab.backup].every((node) => sha256(node.upstreams()) === desired.hash)
          );
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const listed: string[] = [];
      let pageToken = '';
      do {
        const page = await admin.listInstances({ group: 'default', pageSize: 1000, pageToken });
        listed.push(...page.instances.map((instance) => instance.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      for (const node of [lab.master, lab.backup]) {
        const servers = node.upstreams().match(/^\s*server \S+/gm) ?? [];
        assert.equal(servers.length, listed.length, `${node.role}: one server line per instance`);
        for (const id of listed) {
          const [, host, port] = id.split('/');
          assert.ok(
            node.upstreams().includes(`server ${host}:${port} `),
            `${node.role} routes ${id}`,
          );
        }
      }

      // Every alert raised was delivered (within the excuse today's in-memory delivery needs).
      remember();
      const raised = everyProcess.flatMap(({ source, process }) => raisedAlerts(source, process));
      // The outbox is in Redis and any replica drains it: an alert raised by a process killed
      // right after still counts.
      const raisedByKilled = raised.filter((alert) => killedAt.has(alert.process)).length;
      let account = accountAlerts(raised, plane.alerts.jsonBodies());
      await waitFor(
        'every raised alert at the webhook',
        () => {
          account = accountAlerts(raised, plane.alerts.jsonBodies());
          return account.lost.length === 0;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      ).catch(() => undefined);

      console.log(
        `[figure] chaos ${DURATION_MS / 1000} s: kills ${JSON.stringify(kills)}; changes acknowledged ${changes.acknowledged}, failed ${changes.failed}; ` +
          `final revisions registry ${final.registry}, desired ${final.desired}, master ${final.master}, backup ${final.backup}; ` +
          `${listed.length} instances routed; alerts raised ${account.raised} (${raisedByKilled} by a process killed later), ` +
          `delivered ${account.delivered}, lost ${account.lost.length}`,
      );
      assert.ok(Object.values(kills).reduce((a, b) => a + b, 0) >= 3, 'processes were killed');
      assert.ok(changes.acknowledged >= 10, 'changes flowed');
      assert.ok(account.raised >= 2, 'the backup cut-offs raised alerts');
      assert.deepEqual(
        account.lost.map((alert) => `${alert.source} ${alert.id} ${alert.what}`),
        [],
        'no raised alert is missing at the webhook',
      );
    },
  );
});
