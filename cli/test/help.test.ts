import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { describe, it } from 'vitest';
import { buildProgram } from '@gateway/cli';
import { runCli } from './support/run-cli.js';

/** Every command path of gatewayctl ("status", "instances list", ...), from its command tree. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return child.commands.length > 0 ? [path, ...commandPaths(child, path)] : [path];
  });
}

/** The commands that read: each prints JSON with --json. */
const READS = [
  'status',
  'instances list',
  'instances get',
  'nodes list',
  'nodes get',
  'nodes probe',
  'render',
  'diff',
  'watch instances',
  'watch nodes',
  'watch pushes',
];

describe('gatewayctl --help', () => {
  const paths = commandPaths(buildProgram());

  it('covers every command the issue names', () => {
    const names = paths.map((path) => path.join(' '));
    for (const expected of [
      ...READS,
      'instances register',
      'instances deregister',
      'instances drain',
      'nodes add',
      'nodes update',
      'nodes remove',
      'push',
      'deploy render',
      'console',
    ])
      assert.ok(names.includes(expected), `no command "${expected}" in ${names.join(', ')}`);
  });

  it('answers on every command with its usage and exit 0, and offers --json on every read', async () => {
    const runs = await Promise.all(
      [[], ...paths].map(async (path) => ({ path, run: await runCli([...path, '--help']) })),
    );
    for (const { path, run } of runs) {
      const name = ['gatewayctl', ...path].join(' ');
      assert.equal(run.code, 0, `${name} --help: exit ${run.code} ${run.stderr}`);
      assert.ok(run.stdout.startsWith(`Usage: ${name}`), `${name} --help: ${run.stdout}`);
      if (READS.includes(path.join(' ')))
        assert.match(run.stdout, /--json/, `${name} offers --json`);
    }
    console.log(`[figure] --help checked on ${runs.length} commands`);
  });
});
