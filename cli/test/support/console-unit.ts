import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, resolveEndpoints } from '@gateway/cli';
import { REPO_ROOT, tempDir } from '@gateway/testkit';
import { unitValue, type SystemdUnit } from './systemd-unit.js';

/**
 * The console unit's ExecStart runs gatewayctl's compiled entry with the `console`
 * command and only flags that command has.
 */
export function assertConsoleExecStart(unit: SystemdUnit): { listen: string } {
  const [program, entry, command, ...flags] = (unitValue(unit, 'Service', 'ExecStart') ?? '').split(
    /\s+/,
  );
  assert.equal(program, '/usr/bin/node');
  const root = unitValue(unit, 'Service', 'WorkingDirectory') ?? '';
  assert.equal(
    entry,
    `${root}/cli/dist/src/main.js`,
    'ExecStart runs gatewayctl from WorkingDirectory',
  );
  assert.ok(existsSync(join(REPO_ROOT, 'cli', 'src', 'main.ts')), 'gatewayctl entry source exists');
  const consoleCommand = buildProgram().commands.find((each) => each.name() === command);
  assert.ok(consoleCommand, `gatewayctl has no command "${command}"`);
  const values = new Map<string, string>();
  for (let index = 0; index < flags.length; index += 2) {
    const flag = flags[index] ?? '';
    assert.ok(
      consoleCommand.options.some((option) => option.long === flag),
      `gatewayctl ${command} has no option ${flag}`,
    );
    values.set(flag, flags[index + 1] ?? '');
  }
  return { listen: values.get('--listen') ?? '' };
}

/**
 * Every variable of the console's EnvironmentFile example changes what gatewayctl
 * resolves (a renamed variable would be ignored), and the addresses it names are used.
 */
export function assertConsoleEnvironment(example: Map<string, string>): void {
  const env = Object.fromEntries(example);
  const cwd = tempDir('console-env');
  const resolve = (vars: Record<string, string>) =>
    resolveEndpoints({}, { ...vars, HOME: cwd }, cwd);
  const full = resolve(env);
  assert.deepEqual(
    [full.registry, full.health, full.configPush],
    [env['GATEWAY_REGISTRY'], env['GATEWAY_HEALTH'], env['GATEWAY_CONFIG_PUSH']],
    'the service addresses of the example are the ones used',
  );
  for (const name of example.keys()) {
    const without = { ...env };
    delete without[name];
    assert.notDeepEqual(resolve(without), full, `${name} is not a variable gatewayctl reads`);
  }
}
