import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { StatusModel } from '@gateway/cli';
import { REPO_ROOT, waitFor } from '@gateway/testkit';
import { startCliWorld, type CliWorld } from './support/cli-world.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { launchChromium } from './support/headless-chromium.js';
import { GATEWAYCTL, json, runCli, type CliRun } from './support/run-cli.js';
import { notifyVrrpState } from './support/vrrp-notify.js';

/** Kept by CI: two nodes, one DOWN, as the console shows them. */
const SCREENSHOT = join(REPO_ROOT, 'test-artifacts', 'console-node-down.png');

const run = promisify(execFile);
let world: CliWorld;
const ctl = (args: readonly string[]) => runCli(args, { cwd: world.cwd });
function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr}${run.stdout.slice(0, 1000)}`);
  return run;
}
let console_: ConsoleProcess | undefined;
let browser: Browser | undefined;

const nodeCard = (page: Page, ip: string) => page.locator(`[data-node-ip="${ip}"]`);

beforeAll(async () => {
  world = await startCliWorld();
  for (const node of world.nodes) {
    const spec = node.spec();
    const run = await runCli(
      [
        'nodes',
        'add',
        spec.ip,
        '--health-url',
        spec.healthUrl,
        '--ssh-host',
        spec.ssh.host,
        '--ssh-port',
        String(spec.ssh.port),
        '--ssh-user',
        spec.ssh.user,
        '--host-key',
        spec.ssh.hostKey ?? '',
        '--config-path',
        spec.configPath,
      ],
      { cwd: world.cwd },
    );
    assert.equal(run.code, 0, run.stderr);
  }
  // keepalived's notify script on each node: the first holds the VIP (the screenshot shows it).
  await notifyVrrpState(world.nodes[0].vrrpStateDir!, 'MASTER');
  await notifyVrrpState(world.nodes[1].vrrpStateDir!, 'BACKUP');
  console_ = await startConsole(world.cwd, ['--max-clients', '2']);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (console_ && console_.cli.child.exitCode === null) {
    console_.cli.child.kill('SIGKILL');
    await console_.cli.done.catch(() => undefined);
  }
  await world?.close();
});

describe('the status console in a real browser', () => {
  it('shows both nodes, then a node going DOWN and coming back, live, without a reload and without a console error; past --max-clients event streams are refused', async () => {
    const errors: string[] = [];
    const page = await browser!.newPage({ viewport: { width: 412, height: 915 } }); // a phone
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await page.goto(`${console_!.url}/`);
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: number }).loadedOnce = 1));
    for (const node of world.nodes)
      await nodeCard(page, node.ip)
        .and(page.locator('[data-status="UP"]'))
        .waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-node-ip]').count(), 2);
    assert.match((await page.locator('#connection').textContent()) ?? '', /live/);

    const down = world.nodes[1];
    assert.ok(down);
    const started = Date.now();
    await down.nginx.kill();
    await nodeCard(page, down.ip)
      .and(page.locator('[data-status="DOWN"]'))
      .waitFor({ timeout: 30_000 });
    console.log(
      `[figure] console shows ${down.ip} DOWN ${Date.now() - started} ms after its nginx died`,
    );
    assert.match((await nodeCard(page, down.ip).textContent()) ?? '', /connection refused/);
    await page
      .locator('#alerts [data-alert-key]', { hasText: down.ip })
      .first()
      .waitFor({ timeout: 15_000 });
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`[artifact] ${SCREENSHOT}`);
    assert.equal(await page.locator('[data-node-ip][data-status="UP"]').count(), 1);

    const restarted = Date.now();
    await down.nginx.start();
    await nodeCard(page, down.ip)
      .and(page.locator('[data-status="UP"]'))
      .waitFor({ timeout: 30_000 });
    console.log(
      `[figure] console shows ${down.ip} UP again ${Date.now() - restarted} ms after nginx restarted`,
    );

    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { loadedOnce?: number }).loadedOnce),
      1,
      'the page was never reloaded',
    );
    assert.equal(navigations, 1, 'one navigation: the first load');
    assert.deepEqual(errors, [], 'no console error');
    // The page holds one of the two event streams --max-clients allows.
    const controller = new AbortController();
    try {
      const second = await fetch(`${console_!.url}/events`, { signal: controller.signal });
      const third = await fetch(`${console_!.url}/events`, { signal: controller.signal });
      assert.deepEqual([second.status, third.status], [200, 503], 'the third stream is refused');
    } finally {
      controller.abort();
    }
    await page.close();
  });

  it('serves the same status model as `gatewayctl status --json`, and is read-only', async () => {
    const snapshot = (await (await fetch(`${console_!.url}/status.json`)).json()) as {
      model: StatusModel;
      streams: { service: string; state: string }[];
    };
    assert.deepEqual(
      snapshot.model.nodes?.map((node) => node.ip).sort(),
      world.nodes.map((node) => node.ip).sort(),
    );
    assert.deepEqual(
      snapshot.streams.map((stream) => [stream.service, stream.state]),
      [
        ['registry', 'live'],
        ['health', 'live'],
        ['config-push', snapshot.streams[2]?.state === 'live' ? 'live' : 'opening'],
      ],
      'the watch streams are followed (config-push speaks only when it pushes)',
    );
    const post = await fetch(`${console_!.url}/events`, { method: 'POST' });
    assert.equal(post.status, 405, 'read-only');
  });

  it('names the VIP holder from the VRRP state each node serves in /healthz, and lists the last alerts', async () => {
    const [first, second] = world.nodes;
    assert.ok(first?.vrrpStateDir && second?.vrrpStateDir);
    const holderIs = async (ip: string) =>
      await waitFor(
        `status to name ${ip} as the VIP holder`,
        async () => {
          const status = json<StatusModel>(ok(await ctl(['status', '--json'])));
          return status.vip?.holders.join(',') === ip ? status : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
    await notifyVrrpState(first.vrrpStateDir, 'MASTER');
    await notifyVrrpState(second.vrrpStateDir, 'BACKUP');
    const status = await holderIs(first.ip);
    assert.deepEqual(
      status.nodes?.map((node) => [node.ip, node.vrrp?.state, node.vrrp?.instance]).sort(),
      [
        [first.ip, 'MASTER', 'VI_1'],
        [second.ip, 'BACKUP', 'VI_1'],
      ],
    );
    // The VIP moves: the backup becomes MASTER, the former master BACKUP.
    await notifyVrrpState(second.vrrpStateDir, 'MASTER');
    await notifyVrrpState(first.vrrpStateDir, 'BACKUP');
    await holderIs(second.ip);
    const screen = ok(await ctl(['status']));
    assert.match(screen.stdout, new RegExp(`VIP holder\\s+${second.ip.replaceAll('.', '\\.')}`));
    // The node the first test took DOWN raised a health alert, and its recovery.
    const alerts = json<StatusModel>(ok(await ctl(['status', '--json']))).alerts ?? [];
    assert.deepEqual(
      alerts
        .filter((alert) => alert.source === 'health' && alert.message.includes(second.ip))
        .map((alert) => alert.state),
      ['resolved', 'firing'],
      JSON.stringify(alerts),
    );
    // The page shows the holder too, without a reload.
    const page = await browser!.newPage();
    await page.goto(`${console_!.url}/`);
    await page
      .locator('[data-field="VIP holder"]', { hasText: second.ip })
      .waitFor({ timeout: 20_000 });
    await notifyVrrpState(first.vrrpStateDir, 'MASTER');
    await notifyVrrpState(second.vrrpStateDir, 'BACKUP');
    await page
      .locator('[data-field="VIP holder"]', { hasText: first.ip })
      .waitFor({ timeout: 20_000 });
    await page.close();
    assert.match(screen.stdout, /last alerts \(\d+\)/);
  });

  it('colours the `status` screen on a terminal only', async () => {
    const piped = ok(await ctl(['status']));
    assert.ok(!piped.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
    // On a terminal (script(1) gives it a pseudo-terminal), the same screen is coloured.
    const onTty = await run(
      'script',
      ['-qec', `${process.execPath} ${GATEWAYCTL} status`, '/dev/null'],
      {
        cwd: world.cwd,
        env: { PATH: process.env['PATH'] ?? '', HOME: world.cwd, TERM: 'xterm' },
        timeout: 60_000,
      },
    );
    assert.match(onTty.stdout, /127\.0\.0\.2/);
    assert.ok(onTty.stdout.includes('\u001b[32m'), 'green UP on a terminal');
  });

  it('closes everything and exits 0 on SIGTERM', async () => {
    const events = await fetch(`${console_!.url}/events`);
    assert.equal(events.status, 200);
    const stopping = Date.now();
    console_!.cli.child.kill('SIGTERM');
    const run = await console_!.cli.done;
    console.log(
      `[figure] console stopped ${Date.now() - stopping} ms after SIGTERM with an open stream`,
    );
    assert.equal(run.code, 0, run.stderr);
    await assert.rejects(fetch(`${console_!.url}/healthz`), 'nothing listens any more');
  });
});
