import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ClientError, createChannel, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { PushOutcome } from '@gateway/proto/configpush';
import { ProbeDecision, probeDecisionToJSON } from '@gateway/proto/health';
import { channelCredentials, RedisKeys } from '@gateway/shared';
import {
  createTestPki,
  generateSshKey,
  isRunning,
  waitFor,
  type ManagedProcess,
  type ServiceProcess,
} from '@gateway/testkit';
import {
  CORE_TOKEN,
  SDK_TOKEN,
  startControlPlane,
  STORY_HEALTH_TIMINGS,
  type ControlPlane,
} from '../src/control-plane.js';
import { STORY_BOUNDS } from '../src/story-bounds.js';
import { startGatewayCoreProcess, type GatewayCoreProcess } from '../src/gateway-core-process.js';
import {
  startGatewayLab,
  startTrafficClient,
  type GatewayLab,
  type LabNode,
} from '../src/gateway-lab.js';
import {
  figuresBetween,
  readTrafficLog,
  successesAfter,
  type TrafficEvent,
} from '../src/traffic-log.js';

/** A field of a health alert's `details` (the status, previous status, trigger, reporter…). */
function alertDetail(alert: { body: Record<string, unknown> }, name: string): unknown {
  return (alert.body['details'] as Record<string, unknown> | undefined)?.[name];
}

const REPORTER = 'e2e-traffic-client';
const figures: Record<string, string | number> = {};
const note = (name: string, value: string | number) => {
  figures[name] = value;
  console.log(`# FIGURE ${name}: ${value}`);
};
/** Notes a figure in ms and asserts its upper bound (see story-bounds.ts). */
const noteWithin = (name: string, ms: number, boundMs: number) => {
  note(name, ms);
  assert.ok(ms <= boundMs, `${name}: ${ms} ms exceeds its bound of ${Math.round(boundMs)} ms`);
};

type Core = GatewayCoreProcess;
/** Short leases: a core whose registrar failed to heartbeat (to the surviving registry) would drop out mid-story. */
const CORE_LEASE_SECONDS = 6;

describe(
  'the HA story end to end, in network namespaces, on real programs',
  { timeout: 240_000 },
  () => {
    let lab: GatewayLab;
    let plane: ControlPlane;
    let client: { process: ManagedProcess; logPath: string };
    const cores: Core[] = [];
    const log = (): TrafficEvent[] => readTrafficLog(client.logPath);
    /** The alerts the health replicas sent, with their arrival time. */
    const alerts = () =>
      plane.alerts.received.map((request) => ({
        at: request.time,
        body: request.body as Record<string, unknown>,
      }));
    // The replicas still alive once one of each is killed.
    let health: ServiceProcess;
    let pusher: ServiceProcess;

    /** Starts an example gateway-core process; its registrar registers it with the registry replicas still alive. */
    async function startCore(id: string): Promise<Core> {
      const core = await startGatewayCoreProcess({
        id,
        host: lab.network.rootIp,
        registries: plane.registries
          .filter((replica) => isRunning(replica.process))
          .map((replica) => replica.address),
        token: CORE_TOKEN,
        leaseSeconds: CORE_LEASE_SECONDS,
        ...(plane.clientTls ? { tls: plane.clientTls } : {}),
      });
      cores.push(core);
      return core;
    }

    const routesTo = (text: string, core: Core) =>
      text.includes(`${lab.network.rootIp}:${core.port}`);
    const healthStatus = async (ip: string) =>
      await plane.redis.client.get(RedisKeys.healthStatus(ip));
    /** Waits until a live health replica reports the node's VRRP state as its /healthz told it. */
    const waitForReportedVrrp = async (node: LabNode, state: 'MASTER' | 'BACKUP') => {
      const alive = plane.healths.find((replica) => isRunning(replica.process))!;
      await waitFor(
        `health to report the ${node.role} in VRRP state ${state}`,
        async () => {
          const detail = await plane.healthClient(alive).getNode({ ip: node.ns.ip });
          return detail.node?.health?.vrrpState === state;
        },
        { timeoutMs: 2 * STORY_HEALTH_TIMINGS.pollIntervalMs + 10_000, intervalMs: 50 },
      );
    };

    beforeAll(async () => {
      const key = generateSshKey();
      lab = await startGatewayLab({ sshAuthorizedKey: key.publicKey });
      plane = await startControlPlane({
        healthHost: lab.network.rootIp,
        nodes: [lab.master.spec(), lab.backup.spec()],
        privateKeyPath: key.privateKeyPath,
        // Every replica serves mTLS; the cores, the traffic client and the test's clients present a certificate.
        tls: createTestPki({ serverIps: [lab.network.rootIp] }),
      });
      [health, pusher] = [plane.healths[0], plane.pushers[0]];
    });

    afterAll(async () => {
      await client?.process.stop('SIGTERM', 5_000);
      for (const core of cores) await core.stop();
      await plane?.close();
      await lab?.close();
      console.log(`# FIGURES ${JSON.stringify(figures)}`);
    });

    it('the center serves mTLS only: a client without a certificate is refused by every replica', async () => {
      const noCertificate = { caFile: plane.clientTls?.caFile ?? '' };
      for (const replica of [...plane.registries, ...plane.healths, ...plane.pushers]) {
        for (const tls of [undefined, noCertificate]) {
          const channel = createChannel(replica.address, channelCredentials(tls), {
            'grpc.use_local_subchannel_pool': 1,
          });
          try {
            await assert.rejects(
              createClient(HealthDefinition, channel).check(
                { service: '' },
                { signal: AbortSignal.timeout(5_000) },
              ),
              (error: unknown) => error instanceof ClientError && error.code === Status.UNAVAILABLE,
              `${replica.address} with ${tls ? 'a CA but no certificate' : 'plaintext'}`,
            );
          } finally {
            channel.close();
          }
        }
      }
    });

    it('cores register: both nodes get the same config, and requests through the VIP reach the cores', async () => {
      for (const node of [lab.master, lab.backup]) {
        await waitFor(
          `the ${node.role} to be probed UP`,
          async () => (await healthStatus(node.ns.ip)) === 'UP',
          { timeoutMs: 15_000, intervalMs: 50 },
        );
      }
      // Each core is started and registered by its own registrar before startCore returns.
      const [one, two] = await Promise.all([startCore('core-1'), startCore('core-2')]);
      const registeredAt = Date.now();
      await waitFor(
        'both nodes to run a config routing to both cores, byte-identical',
        () => {
          const [m, b] = [lab.master.upstreams(), lab.backup.upstreams()];
          return m === b && routesTo(m, one) && routesTo(m, two);
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      noteWithin(
        'registration_to_both_nodes_ms',
        Date.now() - registeredAt,
        STORY_BOUNDS.registrationToNodesMs,
      );

      client = startTrafficClient(lab, {
        intervalMs: 50,
        centers: plane.healths.map((replica) => replica.address),
        token: SDK_TOKEN,
        reporter: REPORTER,
        ...(plane.clientTls ? { tls: plane.clientTls } : {}),
      });
      await waitFor(
        'answers from both cores through the VIP, in both modes',
        () => {
          const bodies = [
            ...successesAfter(log(), 'sdk', 0),
            ...successesAfter(log(), 'plain', 0),
          ].map((r) => r.body);
          return [one, two].every((core) => bodies.some((body) => body.includes(`"${core.id}"`)));
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      assert.equal(lab.vipHolder(), lab.master);
      // The VIP holder as an operator sees it: each node's /healthz carries its VRRP state.
      await waitForReportedVrrp(lab.master, 'MASTER');
      await waitForReportedVrrp(lab.backup, 'BACKUP');
    });

    it('one replica of each service is killed (SIGKILL) before the failures: the rest of the story runs on the survivors', async () => {
      const status = await plane.pushClient(plane.pushers[1]).getPushStatus({});
      const leaderIndex = plane.pushers.findIndex((_p, i) =>
        status.leader.startsWith(`config-push-${i + 1}|`),
      );
      note(
        'config_push_leader_killed',
        leaderIndex >= 0 ? `config-push-${leaderIndex + 1}` : 'none',
      );
      const pusherVictim = leaderIndex >= 0 ? leaderIndex : 0;
      for (const victim of [plane.registries[0], plane.healths[0], plane.pushers[pusherVictim]]) {
        victim.process.child.kill('SIGKILL');
        await victim.process.exited;
      }
      health = plane.healths[1]!;
      pusher = plane.pushers[1 - pusherVictim]!;
      // The survivors answer.
      await plane.healthClient(health).listNodes({});
      await plane.pushClient(pusher).getPushStatus({});
    });

    let killedAt = 0;
    it('the master nginx dies under steady traffic: VIP to the backup, SDK calls keep succeeding, the suspect report (not the poll) marks the master DOWN, alert sent', async () => {
      // Kill right after a poll round probed the master: the next one is a poll interval away,
      // so a DOWN before then can only come from the SDK's report.
      const lastProbe = async () =>
        (await plane.healthClient(health).getNode({ ip: lab.master.ns.ip })).node?.health
          ?.lastProbeTime;
      const probedBefore = (await lastProbe())?.getTime() ?? 0;
      const polledAt = await waitFor(
        'a poll round to probe the master',
        async () => {
          const probed = (await lastProbe())?.getTime() ?? 0;
          return probed > probedBefore ? probed : undefined;
        },
        { timeoutMs: 2 * STORY_HEALTH_TIMINGS.pollIntervalMs + 5_000, intervalMs: 20 },
      );
      killedAt = Date.now();
      // Watched from the moment of the kill, in parallel with the VIP takeover.
      const downInRedis = waitFor(
        'the master to be DOWN in Redis',
        async () => ((await healthStatus(lab.master.ns.ip)) === 'DOWN' ? Date.now() : undefined),
        { timeoutMs: 15_000, intervalMs: 20 },
      );
      await lab.master.nginx.kill();
      await lab.waitForVipOn(lab.backup, 20_000);
      const takeoverAt = Date.now();
      // vrrp-notify.sh (notify_fifo) records the transition a moment after keepalived set the VIP.
      const becameMaster = await waitFor(
        "the backup's keepalived to notify MASTER",
        () =>
          lab.backup.keepalived
            .history()
            .map((line) => line.split(' '))
            .find((fields) => fields[2] === 'MASTER' && Number(fields[0]) >= killedAt),
        { timeoutMs: 5_000, intervalMs: 20 },
      );
      assert.equal(lab.backup.keepalived.state(), 'MASTER');
      noteWithin(
        'vip_takeover_keepalived_ms',
        Number(becameMaster[0]) - killedAt,
        STORY_BOUNDS.vipTakeoverMs,
      );
      noteWithin('vip_takeover_observed_ms', takeoverAt - killedAt, STORY_BOUNDS.vipTakeoverMs);
      await waitForReportedVrrp(lab.backup, 'MASTER');
      note('vip_takeover_to_health_reports_backup_master_ms', Date.now() - takeoverAt);

      noteWithin(
        'nginx_death_to_down_in_redis_ms',
        (await downInRedis) - killedAt,
        STORY_BOUNDS.nginxDeathToDownMs,
      );
      assert.equal(await healthStatus(lab.backup.ns.ip), 'UP', 'the backup stays UP');

      const reports = log().filter((e) => e.type === 'report' && e.at >= killedAt);
      const accepted = reports.filter(
        (e) => e.type === 'report' && (e.outcome as { result?: string }).result === 'sent',
      );
      assert.ok(
        accepted.length > 0,
        `the SDK reported the suspect and a health replica accepted it: ${JSON.stringify(reports)}`,
      );
      const decisions = accepted.map((e) =>
        e.type === 'report' ? (e.outcome as { decision: string }).decision : '',
      );
      const allowed = [
        ProbeDecision.PROBE_DECISION_STARTED,
        ProbeDecision.PROBE_DECISION_JOINED,
      ].map(probeDecisionToJSON);
      assert.ok(
        decisions.every((decision) => allowed.includes(decision)),
        decisions.join(),
      );
      note('suspect_reports_sent', accepted.length);
      // A report that JOINED a round already running gets its own trailing round a moment later.
      await waitFor(
        'the health service to record our report against the master',
        async () => {
          const detail = await plane.healthClient(health).getNode({ ip: lab.master.ns.ip });
          return detail.node?.health?.lastReporter === REPORTER;
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      );

      const downAlert = await waitFor(
        'a DOWN alert for the master',
        () =>
          alerts().find(
            (a) => a.body['node'] === lab.master.ns.ip && alertDetail(a, 'status') === 'DOWN',
          ),
        { timeoutMs: 15_000, intervalMs: 50 },
      );
      note('down_alert_trigger', String(alertDetail(downAlert, 'trigger')));
      noteWithin(
        'nginx_death_to_down_alert_ms',
        downAlert.at - killedAt,
        STORY_BOUNDS.nginxDeathToDownMs,
      );
      // The cause of the transition, as the health service recorded it: our report's probe.
      assert.equal(
        alertDetail(downAlert, 'trigger'),
        'suspect',
        'the DOWN came from a suspect report',
      );
      assert.equal(alertDetail(downAlert, 'reporter'), REPORTER, 'the report of our SDK client');
      const downDetail = await plane.healthClient(health).getNode({ ip: lab.master.ns.ip });
      const downAt = downDetail.node?.health?.lastChangeTime?.getTime() ?? Number.NaN;
      assert.ok(
        downAt < polledAt + STORY_HEALTH_TIMINGS.pollIntervalMs,
        `DOWN at ${downAt - polledAt} ms after the last poll probe, before the next poll was due`,
      );

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
      assert.ok(
        plain.failed > 0,
        'a client without retries saw the outage (the test measures a real one)',
      );
      assert.equal(sdk.failed, 0, 'no idempotent call through the SDK failed');
      assert.ok(sdk.retried > 0, 'the SDK rode the outage out by retrying');
    });

    let core3: Core;
    it('a core registered while the master is DOWN reaches the backup; the master is skipped', async () => {
      const masterBefore = lab.master.upstreams();
      core3 = await startCore('core-3');
      const registeredAt = Date.now();
      const revision = Number(await plane.redis.client.get(RedisKeys.instancesRevision));
      await waitFor(
        'the backup to route to core-3',
        () => routesTo(lab.backup.upstreams(), core3),
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      noteWithin(
        'registration_to_backup_while_master_down_ms',
        Date.now() - registeredAt,
        STORY_BOUNDS.registrationToNodesMs,
      );
      const status = await waitFor(
        'config-push to record the master as skipped (DOWN)',
        async () => {
          const reply = await plane.pushClient(pusher).getPushStatus({});
          const master = reply.nodes.find((n) => n.nodeIp === lab.master.ns.ip);
          return master?.lastResult?.outcome === PushOutcome.PUSH_OUTCOME_SKIPPED_DOWN &&
            reply.desiredRevision >= revision
            ? reply
            : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      const masterStatus = status.nodes.find((n) => n.nodeIp === lab.master.ns.ip)!;
      assert.ok(
        masterStatus.appliedRevision < status.desiredRevision,
        'the master does not run the latest revision',
      );
      assert.equal(lab.master.upstreams(), masterBefore, "the master's file was not touched");
      assert.ok(!routesTo(lab.master.upstreams(), core3));
      await waitFor(
        'traffic through the VIP to reach core-3',
        () => successesAfter(log(), 'sdk', registeredAt).some((r) => r.body.includes('"core-3"')),
        { timeoutMs: 15_000, intervalMs: 50 },
      );
    });

    it('the master nginx restarts: UP again, reconciled to the latest revision with no new registration, VIP back, SDK loses nothing', async () => {
      const registryRevision = Number(await plane.redis.client.get(RedisKeys.instancesRevision));
      const restartedAt = Date.now();
      await lab.master.nginx.start();
      await waitFor(
        'the master to be UP in Redis',
        async () => (await healthStatus(lab.master.ns.ip)) === 'UP',
        { timeoutMs: 20_000, intervalMs: 20 },
      );
      noteWithin(
        'recovery_to_up_in_redis_ms',
        Date.now() - restartedAt,
        STORY_BOUNDS.recoveryToUpMs,
      );
      await waitFor(
        'the master to run the latest config (same file as the backup, with core-3)',
        async () => {
          const reply = await plane.pushClient(pusher).getPushStatus({});
          const master = reply.nodes.find((n) => n.nodeIp === lab.master.ns.ip);
          return (
            master?.appliedRevision === reply.desiredRevision &&
            lab.master.upstreams() === lab.backup.upstreams() &&
            routesTo(lab.master.upstreams(), core3)
          );
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      noteWithin(
        'recovery_to_latest_revision_ms',
        Date.now() - restartedAt,
        STORY_BOUNDS.recoveryToLatestRevisionMs,
      );
      assert.equal(
        Number(await plane.redis.client.get(RedisKeys.instancesRevision)),
        registryRevision,
        'the master converged with no new registration (the registry revision did not move)',
      );
      await lab.waitForVipOn(lab.master, 20_000);
      const backAt = Date.now();
      await waitForReportedVrrp(lab.master, 'MASTER');
      await waitForReportedVrrp(lab.backup, 'BACKUP');
      noteWithin(
        'recovery_to_vip_back_on_master_ms',
        backAt - restartedAt,
        STORY_BOUNDS.recoveryToVipBackMs,
      );
      const upAlert = await waitFor(
        'an UP alert for the master',
        () =>
          alerts().find(
            (a) =>
              a.body['node'] === lab.master.ns.ip &&
              alertDetail(a, 'status') === 'UP' &&
              a.at >= restartedAt,
          ),
        { timeoutMs: 15_000, intervalMs: 50 },
      );
      assert.ok(upAlert);

      await waitForSteady(backAt);
      const plain = figuresBetween(log(), 'plain', restartedAt, Date.now());
      const sdk = figuresBetween(log(), 'sdk', restartedAt, Date.now());
      note('failback_plain_failed', plain.failed);
      note('failback_plain_longest_gap_ms', plain.longestGapMs);
      note('failback_sdk_failed', sdk.failed);
      note('failback_sdk_longest_gap_ms', sdk.longestGapMs);
      assert.equal(sdk.failed, 0);
      const applied = lab.master.appliedRevisions();
      assert.deepEqual(
        applied,
        [...applied].sort((a, b) => a - b),
        'the master never went back to an older revision',
      );

      // Alerts: exactly one per transition, however many health replicas ran.
      const forMaster = (status: string) =>
        alerts().filter(
          (a) => a.body['node'] === lab.master.ns.ip && alertDetail(a, 'status') === status,
        ).length;
      assert.equal(forMaster('DOWN'), 1, 'one DOWN alert');
      assert.equal(forMaster('UP'), 1, 'one UP alert');
      // The cores' registrars kept their leases alive through the surviving registry replica.
      const registered = await plane.redis.client.hkeys(RedisKeys.instances);
      assert.equal(
        registered.length,
        3,
        `all three cores still registered: ${registered.join(', ')}`,
      );
      for (const core of cores)
        assert.ok(routesTo(lab.master.upstreams(), core), `${core.id} still routed`);
      const sdkTotal = figuresBetween(log(), 'sdk', 0, Date.now());
      const plainTotal = figuresBetween(log(), 'plain', 0, Date.now());
      note('story_sdk_requests_failed', `${sdkTotal.failed}/${sdkTotal.requests}`);
      note('story_plain_requests_failed', `${plainTotal.failed}/${plainTotal.requests}`);
      assert.ok(sdkTotal.requests > 0);
      assert.equal(sdkTotal.failed, 0, 'no call through the SDK failed in the whole story');
    });

    /** Waits until both modes have had 10 successes after `since`. */
    async function waitForSteady(since: number): Promise<void> {
      await waitFor(
        'steady traffic again in both modes',
        () => {
          const events = log();
          return (
            successesAfter(events, 'sdk', since).length >= 10 &&
            successesAfter(events, 'plain', since).length >= 10
          );
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    }
  },
);
