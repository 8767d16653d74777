import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEPLOY_DIR,
  TEST_TOKENS_ENV,
  generateSshKey,
  serviceEntry,
  startRedisServer,
  startServiceProcess,
  tempDir,
  type RedisServerHandle,
  type ServiceProcess,
} from '@gateway/testkit';

const run = promisify(execFile);
const RULES_DIR = join(DEPLOY_DIR, 'prometheus');
const RULES = join(RULES_DIR, 'gateway-rules.yml');
const DASHBOARD = join(DEPLOY_DIR, 'grafana', 'gateway-dashboard.json');
const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

async function promtool(): Promise<string | undefined> {
  try {
    await run('promtool', ['--version']);
    return 'promtool';
  } catch {
    return undefined;
  }
}

/** The metric names an expression reads: the identifiers our services and prom-client define. */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:gateway|process|nodejs)_[a-zA-Z0-9_]+)\b/g)].map((m) => m[1]);
}

/** Every metric family a scrape defines (its # TYPE lines: labelled families with no sample yet included). */
async function families(address: string): Promise<Set<string>> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}

type RuleFile = { groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string }> }> };
type Dashboard = {
  panels: Array<{ title: string; type: string; targets?: Array<{ expr: string }> }>;
};

/**
 * The shipped Prometheus rules and Grafana dashboard against the services: every metric
 * they query is one the three services define (read from their real /metrics).
 */
describe('the shipped alerting rules and dashboard', () => {
  let redis: RedisServerHandle;
  const services: ServiceProcess[] = [];
  const defined = new Set<string>();

  beforeAll(async () => {
    redis = await startRedisServer();
    const key = generateSshKey();
    const env = { REDIS_URL: redis.url, GATEWAY_TOKENS: TEST_TOKENS_ENV, LOG_LEVEL: 'warn' };
    for (const [name, extra] of [
      ['registry', {}],
      ['health', {}],
      [
        'config-push',
        {
          CONFIG_PUSH_SSH_PRIVATE_KEY_FILE: key.privateKeyPath,
          CONFIG_PUSH_KNOWN_HOSTS_FILE: join(tempDir('known-hosts'), 'known_hosts'),
        },
      ],
    ] as const) {
      const service = await startServiceProcess({
        name,
        entry: serviceEntry(name),
        env: { ...env, ...extra },
      });
      services.push(service);
      for (const family of await families(service.metricsAddress!)) defined.add(family);
    }
    console.log(`[figure] ${defined.size} metric families defined by the three services`);
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
    await redis?.stop();
  });

  const known = (name: string) =>
    defined.has(name) ||
    (HISTOGRAM_SUFFIXES.test(name) && defined.has(name.replace(HISTOGRAM_SUFFIXES, '')));

  it('query only metrics the services define, in every rule', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const alerts = rules.groups.flatMap((group) => group.rules);
    assert.ok(alerts.length >= 6, 'rules are shipped');
    for (const rule of alerts) {
      const names = metricNamesIn(rule.expr);
      assert.ok(names.length > 0, `${rule.alert}: reads a gateway metric`);
      for (const name of names)
        assert.ok(known(name), `${rule.alert}: ${name} is not a metric of the services`);
    }
    for (const wanted of [
      'GatewayNodeDown',
      'GatewayNodeBehindLatestRevision',
      'GatewayNoPushLeader',
      'GatewayAlertsFailingToDeliver',
      'GatewayRedisErrors',
      'GatewayRegistrySelfPreservation',
      'GatewayTlsCertificateRotationRefused',
      'GatewayTlsCertificateExpiring',
      'GatewayRedisEvictionPolicyUnsafe',
    ])
      assert.ok(
        alerts.some((rule) => rule.alert === wanted),
        `${wanted} is shipped`,
      );
  });

  it('query only metrics the services define, in every dashboard panel', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    const queried = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
    );
    assert.ok(queried.length >= 20, `${queried.length} queries`);
    const used = new Set<string>();
    for (const { panel, expr } of queried) {
      const names = metricNamesIn(expr);
      assert.ok(names.length > 0, `${panel}: ${expr} reads a metric`);
      for (const name of names) {
        assert.ok(known(name), `${panel}: ${name} is not a metric of the services`);
        used.add(name.replace(HISTOGRAM_SUFFIXES, ''));
      }
    }
    const unused = [...defined].filter((name) => name.startsWith('gateway_') && !used.has(name));
    assert.deepEqual(unused, [], 'every gateway_ series is on the dashboard');
  });

  it('pass promtool check rules and the rules’ unit tests (where promtool is installed)', async (context) => {
    const tool = await promtool();
    if (!tool) {
      context.skip(
        'promtool is not installed (Debian: apt-get install prometheus); the rules were parsed above',
      );
      return;
    }
    const check = await run(tool, ['check', 'rules', RULES]);
    assert.match(check.stdout, /SUCCESS: \d+ rules found/);
    const tests = await run(tool, ['test', 'rules', 'gateway-rules.test.yml'], { cwd: RULES_DIR });
    assert.match(tests.stdout, /SUCCESS/);
  });
});
