import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createLogger } from '@gateway/shared';
import { waitFor } from '@gateway/testkit';
import { SshPool } from '../src/push/ssh-pool.js';
import { installSudoLogin } from './support/sudo-login.js';
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

const USER = 'gwpush-test';

/** No root login: config-push logs in as a dedicated user whose only privilege is the documented sudoers line. */
describe('config-push through the documented sudoers line', () => {
  let world: PushWorld;
  let push: InProcessConfigPush;
  let backend: Backend;
  let scriptPath: string;
  beforeAll(async () => {
    ({ scriptPath } = installSudoLogin(USER));
    world = await startPushWorld({ sshUser: USER });
    push = await startInProcessConfigPush(
      configPushEnv(world.redis.url, world.privateKeyPath, {
        CONFIG_PUSH_REMOTE_COMMAND: `sudo -n ${scriptPath}`,
      }),
    );
    backend = await startBackend('via-sudo');
  });
  afterAll(async () => {
    await push?.close();
    await backend?.close();
    await world?.close();
  });

  it('pushes as the dedicated user: both nodes apply through sudo -n and route to the instance', async () => {
    const revision = await world.register('default', backend.port);
    await waitFor(
      'both nodes to route to the instance',
      async () => {
        const answers = await Promise.all(world.nodes.map((node) => getThrough(node)));
        return answers.every((answer) => answer.body === 'via-sudo');
      },
      { timeoutMs: 15_000 },
    );
    await waitFor('both nodes recorded at the revision', async () =>
      (await push.client.getPushStatus({})).nodes.every(
        (node) => node.appliedRevision === revision,
      ),
    );
    for (const node of world.nodes) {
      assert.equal(node.sshd.user, USER);
      assert.match(node.sshd.process!.output(), new RegExp(`Accepted publickey for ${USER} `));
      assert.doesNotMatch(node.sshd.process!.output(), /Accepted publickey for root /);
      assert.deepEqual(node.appliedRevisions(), [revision]);
    }
    assert.ok(readFileSync(world.nodes[0].livePath).equals(readFileSync(world.nodes[1].livePath)));
  });

  it('the user can run the apply script as root and nothing else', async () => {
    const node = world.nodes[0];
    const pool = SshPool({
      privateKeyFile: world.privateKeyPath,
      passphrase: undefined,
      knownHostsFile: '/nonexistent',
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 10_000,
      idleTimeoutMs: 0,
      logger: createLogger('sudo-test', 'silent'),
    });
    try {
      const run = (command: string) =>
        pool.exec(node.spec().ssh, command, '', AbortSignal.timeout(15_000));
      assert.notEqual((await run('id -u')).stdout.trim(), '0', 'the login is not root');
      const status = await run(`sudo -n ${scriptPath} status`);
      assert.equal(status.code, 0);
      assert.match(
        status.stdout,
        /^STATE \d+ [0-9a-f]{64} [0-9a-f]{64} (-|\d+-[0-9a-f]{16}) \d+$/m,
      );
      const shell = await run('sudo -n /bin/sh -c id');
      assert.notEqual(shell.code, 0);
      assert.match(shell.stderr, /password is required|not allowed/);
      const other = await run(
        `sudo -n ${scriptPath.replace('gateway-nginx-apply', 'other')} status`,
      );
      assert.notEqual(other.code, 0);
    } finally {
      pool.close();
    }
  });
});
