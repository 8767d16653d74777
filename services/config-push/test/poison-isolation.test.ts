import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChangeType, type WatchInstancesResponse } from '@gateway/proto/registry';
import { RedisKeys } from '@gateway/shared';
import { startAlertReceiver, waitFor, type AlertReceiver } from '@gateway/testkit';
import { startTestDns, type TestDns } from './support/dns-server.js';
import {
  configPushEnv,
  getThrough,
  startBackend,
  startInProcessConfigPush,
  startPushWorld,
  type Backend,
  type InProcessConfigPush,
  type PushWorld,
} from './support/push-fixture.js';

const DNS_ADDRESS = '127.83.0.53';
const BAD_NAME = 'nx-does-not-exist.invalid';
const DNS_ID = `default/${BAD_NAME}/80`;
const RETRY_MAX_MS = 2_000;

/**
 * Two poison instances: a name the nodes cannot resolve (nginx names its `server` line)
 * and the only instance of a group registered as `backup` (nginx refuses an upstream with
 * no primary server and names the `upstream` line). Both pass the registry's validation.
 * The nodes' nginx resolves through a DNS server this test controls, so "fixed" can mean
 * what it means in production: the name starts resolving (the world changed), or the
 * owner re-registers the same instance with a spec that passes.
 */
describe('config-push: poison-instance isolation', () => {
  let dns: TestDns;
  let world: PushWorld;
  let webhook: AlertReceiver;
  let push: InProcessConfigPush;
  const backends: Backend[] = [];
  const watched: WatchInstancesResponse[] = [];
  const watchAbort = new AbortController();
  let reservePort = 0;
  let reserveId = '';

  const env = () =>
    configPushEnv(world.redis.url, world.privateKeyPath, {
      CONFIG_PUSH_ALERT_WEBHOOK_URL: webhook.url,
      CONFIG_PUSH_RETRY_MAX: `${RETRY_MAX_MS}ms`,
      CONFIG_PUSH_QUARANTINE_RECHECK_MIN: '500ms',
      CONFIG_PUSH_QUARANTINE_RECHECK_MAX: '2s',
    });

  beforeAll(async () => {
    dns = await startTestDns(DNS_ADDRESS);
    world = await startPushWorld({ nginxBinary: dns.nginxBinary });
    webhook = await startAlertReceiver();
    push = await startInProcessConfigPush(env());
    const stream = world.registry.watchInstances({ group: '' }, { signal: watchAbort.signal });
    void (async () => {
      try {
        for await (const message of stream) watched.push(message);
      } catch {
        // aborted at the end
      }
    })();
  });
  afterAll(async () => {
    watchAbort.abort();
    await push?.close();
    for (const backend of backends) await backend.close();
    await webhook?.close();
    await world?.close();
    await dns?.close();
  });

  const backend = async (name: string) => {
    const started = await startBackend(name);
    backends.push(started);
    return started;
  };
  const servedEverywhere = async (body: string, headers: Record<string, string> = {}) => {
    const answers = await Promise.all(world.nodes.map((node) => getThrough(node, headers)));
    return answers.every((answer) => answer.body === body);
  };
  /** The alerts about instance `id`: its quarantine (firing) or its re-admission (the recovery). */
  const alertsOf = (kind: 'instance_quarantined' | 'instance_readmitted', id: string) =>
    webhook
      .jsonBodies()
      .filter(
        (alert) =>
          alert['kind'] === 'instance_quarantined' &&
          alert['state'] === (kind === 'instance_quarantined' ? 'firing' : 'resolved') &&
          String(alert['message']).includes(`instance ${id} `),
      );
  const quarantinedIds = async () =>
    (await push.client.getPushStatus({})).quarantinedInstances.map((entry) => entry.instanceId);

  it('a good instance registered after two poison ones is served through both nodes; the poison ones are quarantined, alerted once and shown', async () => {
    const baselineBackend = await backend('baseline');
    let started = performance.now();
    await world.register('default', baselineBackend.port);
    await waitFor('the baseline instance to be served', () => servedEverywhere('baseline'), {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    const normalMs = Math.round(performance.now() - started);
    await world.deregister('default', baselineBackend.port);

    const reserve = await backend('reserve');
    reservePort = reserve.port;
    reserveId = `reserve/127.0.0.1/${reservePort}`;
    const good = await backend('good');
    started = performance.now();
    await world.register('default', 80, { host: BAD_NAME });
    await world.register('reserve', reservePort, { backup: true });
    await world.register('default', good.port);
    const boundMs = normalMs + RETRY_MAX_MS + 3_000;
    await waitFor(
      'the good instance to be served through both nodes',
      () => servedEverywhere('good'),
      {
        timeoutMs: boundMs,
        intervalMs: 20,
      },
    );
    const poisonedMs = Math.round(performance.now() - started);
    console.log(
      `[figure] convergence: normal ${normalMs} ms; with two poison instances registered first ${poisonedMs} ms (bound ${boundMs} ms)`,
    );

    await waitFor('both poison instances quarantined', async () => {
      const ids = await quarantinedIds();
      return ids.includes(DNS_ID) && ids.includes(reserveId);
    });
    const status = await push.client.getPushStatus({});
    const byId = new Map(status.quarantinedInstances.map((entry) => [entry.instanceId, entry]));
    assert.match(
      byId.get(DNS_ID)!.reason,
      /host not found in upstream "nx-does-not-exist\.invalid:80"/,
    );
    assert.match(byId.get(reserveId)!.reason, /no servers in upstream "gateway_reserve"/);
    for (const node of world.nodes) {
      const live = readFileSync(node.livePath, 'utf8');
      assert.doesNotMatch(live, /nx-does-not-exist|gateway_reserve/, 'poison never installed');
      assert.match(live, new RegExp(`127\\.0\\.0\\.1:${good.port} `));
    }

    await waitFor(
      'one quarantine alert per poison instance',
      () =>
        alertsOf('instance_quarantined', DNS_ID).length === 1 &&
        alertsOf('instance_quarantined', reserveId).length === 1,
    );

    const listed = await world.registry.listInstances({ group: '', pageSize: 0, pageToken: '' });
    const listedById = new Map(listed.instances.map((instance) => [instance.id, instance]));
    assert.match(listedById.get(DNS_ID)!.quarantine!.reason, /host not found/);
    assert.match(listedById.get(reserveId)!.quarantine!.reason, /no servers in upstream/);
    assert.equal(listedById.get(`default/127.0.0.1/${good.port}`)!.quarantine, undefined);

    await waitFor('the watch to show both quarantines', () =>
      [DNS_ID, reserveId].every((id) =>
        watched.some(
          (message) =>
            message.event?.$case === 'change' &&
            message.event.value.type === ChangeType.CHANGE_TYPE_UPDATED &&
            message.event.value.instanceId === id &&
            message.event.value.instance?.quarantine !== undefined,
        ),
      ),
    );
    assert.equal(alertsOf('instance_quarantined', DNS_ID).length, 1);
    assert.equal(alertsOf('instance_quarantined', reserveId).length, 1);
  });

  it('the quarantine survives a change of push leader: the new one still leaves them out', async () => {
    await push.close();
    push = await startInProcessConfigPush(env());
    const later = await backend('later');
    await world.register('default', later.port);
    await waitFor('the new leader to serve a new instance', async () => {
      const answers = await Promise.all(world.nodes.map((node) => getThrough(node)));
      return answers.every((answer) => answer.body === 'later' || answer.body === 'good');
    });
    await waitFor(
      "both nodes to run the new leader's render",
      async () => {
        const status = await push.client.getPushStatus({});
        return (
          status.nodes.every(
            (node) =>
              node.appliedContentHash === status.desiredContentHash && node.appliedRevision > 0,
          ) &&
          status.desiredRevision >=
            (await world.redis.client.get(RedisKeys.instancesRevision).then(Number))
        );
      },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual((await quarantinedIds()).sort(), [DNS_ID, reserveId].sort());
    const desired = await push.client.renderConfig({});
    assert.doesNotMatch(desired.content, /nx-does-not-exist|gateway_reserve/);
    // A re-test of a quarantined instance swaps the candidate into the live file for the
    // length of one `nginx -t` (never reloaded): read the file outside such a window.
    await waitFor('both live files to hold the render without the poison instances', () =>
      world.nodes.every((node) => readFileSync(node.livePath, 'utf8') === desired.content),
    );
  });

  it('re-admits each one once fixed: the name starts resolving; the instance is re-registered with a primary spec', async () => {
    dns.records.set(BAD_NAME, '127.0.0.1');
    await world.register('reserve', reservePort, { backup: false });
    await waitFor(
      'both instances re-admitted and installed on both nodes',
      async () => {
        if ((await quarantinedIds()).length > 0) return false;
        return world.nodes.every((node) => {
          const live = readFileSync(node.livePath, 'utf8');
          return live.includes(`${BAD_NAME}:80`) && live.includes('upstream gateway_reserve {');
        });
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await waitFor('the reserve group to be served', () =>
      servedEverywhere('reserve', { 'x-gateway-group': 'reserve' }),
    );
    await waitFor(
      'one re-admission alert each',
      () =>
        alertsOf('instance_readmitted', DNS_ID).length === 1 &&
        alertsOf('instance_readmitted', reserveId).length === 1,
    );
    const listed = await world.registry.listInstances({ group: '', pageSize: 0, pageToken: '' });
    assert.ok(listed.instances.every((instance) => instance.quarantine === undefined));
    await waitFor('the watch to show the re-admissions', () =>
      [DNS_ID, reserveId].every((id) =>
        watched.some(
          (message) =>
            message.event?.$case === 'change' &&
            message.event.value.instanceId === id &&
            message.event.value.type === ChangeType.CHANGE_TYPE_UPDATED &&
            message.event.value.instance !== undefined &&
            message.event.value.instance.quarantine === undefined &&
            message.event.value.instance.spec?.host !== undefined &&
            watched.indexOf(message) >
              watched.findIndex(
                (earlier) =>
                  earlier.event?.$case === 'change' &&
                  earlier.event.value.instanceId === id &&
                  earlier.event.value.instance?.quarantine !== undefined,
              ),
        ),
      ),
    );
    assert.equal(alertsOf('instance_quarantined', DNS_ID).length, 1, 'never quarantined twice');
    assert.ok(dns.queries() > 0, 'the nodes resolved through the test DNS server');
    console.log(
      `[figure] alerts: ${webhook
        .jsonBodies()
        .map((alert) => String(alert['kind']))
        .join(', ')}`,
    );
  });

  it('finds by bisection a poison instance nginx does not name (a group name too long for its map hash) and lets it go once deregistered', async () => {
    const group = `long${'g'.repeat(59)}`;
    const longBackend = await backend('long');
    const longId = `${group}/127.0.0.1/${longBackend.port}`;
    await world.register(group, longBackend.port);
    const after = await backend('after-long');
    await world.register('after', after.port);
    await waitFor(
      'the instance registered after it to be served',
      () => servedEverywhere('after-long', { 'x-gateway-group': 'after' }),
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    const entry = (await push.client.getPushStatus({})).quarantinedInstances.find(
      (candidate) => candidate.instanceId === longId,
    );
    assert.ok(entry, 'quarantined');
    assert.match(entry.reason, /could not build map_hash.*found by bisection in \d+ tests/);
    console.log(`[figure] bisection: ${entry.reason}`);
    await waitFor(
      'one quarantine alert',
      () => alertsOf('instance_quarantined', longId).length === 1,
    );
    await world.deregister(group, longBackend.port);
    await waitFor(
      'it leaves the quarantine once deregistered',
      async () => !(await quarantinedIds()).includes(longId),
    );
    await waitFor('its recovery alert', () =>
      webhook
        .jsonBodies()
        .some(
          (alert) =>
            alert['kind'] === 'instance_quarantined' &&
            alert['state'] === 'resolved' &&
            String(alert['message']).includes(`instance ${longId} left the quarantine`),
        ),
    );
  });
});
