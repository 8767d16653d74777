import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { setExitCode } from '../command-context.js';
import { testKeepalivedConf, testNginxConf, type ConfigTestResult } from '../deploy/config-test.js';
import { NODE_DEFAULTS, validateNodeValues, type NodeValueInput } from '../deploy/node-values.js';
import { NODE_FILE_NAMES, renderNodeFiles, type NodeFiles } from '../deploy/render-node.js';
import { FIELD_BY_KEY, readValuesFile } from '../deploy/values-file.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import { Colour } from '../output/colour.js';
import { emit } from '../output/emit.js';

type DeployFlags = Record<string, string | boolean | undefined> & {
  file?: string;
  out?: string;
  templates?: string;
  configTest: boolean;
  json?: boolean;
};

const REQUIRED_HELP: Record<string, string> = {
  'self-ip': "this node's address (unicast_src_ip)",
  'peer-ip': "the other node's address (unicast_peer)",
  'vip-cidr': 'the virtual IP and prefix, e.g. 10.0.0.200/24',
  interface: 'the interface that carries the VIP, e.g. eth0',
  'auth-pass':
    'VRRP PASS secret (1-8 characters, the same on both nodes; not with a sub-second --advert-int)',
  'advert-int':
    'VRRP advert interval, s (default 1: VRRPv2 with PASS authentication); 0.1-0.9 switches to VRRPv3, which has no authentication (docs/deployment.md, "Faster failover")',
  'router-id': 'keepalived router_id (default gateway_<role>)',
};

/** Writes each file beside its final name and renames it into place. */
function writeFiles(dir: string, files: NodeFiles): string[] {
  mkdirSync(dir, { recursive: true });
  return (Object.keys(NODE_FILE_NAMES) as (keyof NodeFiles)[]).map((key) => {
    const path = join(dir, NODE_FILE_NAMES[key]);
    writeFileSync(`${path}.tmp`, files[key], { mode: 0o644 });
    renameSync(`${path}.tmp`, path);
    return path;
  });
}

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description("render a node's installation files");
  const render = deploy
    .command('render')
    .description(
      'render keepalived.conf, nginx.conf and apply.conf of one node from the shipped templates (deploy/), from flags or a YAML file of the same names; every value is checked, and nothing is written when keepalived -t or nginx -t (where installed) rejects a file',
    )
    .option('--role <role>', 'master or backup')
    .option('--file <values.yaml>', 'values as YAML (keys are the flag names); flags override it')
    .option('--out <dir>', 'write the three files into this directory (default: print them)')
    .option(
      '--templates <dir>',
      'the deploy/ directory holding the templates (default the shipped one)',
    )
    .option('--no-config-test', 'do not run keepalived -t / nginx -t')
    .option('--json', 'print files and config test results as JSON');
  for (const key of FIELD_BY_KEY.keys()) {
    if (key === 'role') continue;
    const field = FIELD_BY_KEY.get(key) as keyof typeof NODE_DEFAULTS;
    const fallback = NODE_DEFAULTS[field] as string | undefined;
    render.option(
      `--${key} <value>`,
      REQUIRED_HELP[key] ?? (fallback ? `default ${fallback}` : key),
    );
  }
  render.action((options: DeployFlags) => {
    const input: NodeValueInput = options.file ? readValuesFile(options.file) : {};
    for (const field of FIELD_BY_KEY.values()) {
      const value = options[field];
      if (typeof value === 'string') input[field] = value;
    }
    const checked = validateNodeValues(input);
    if (!checked.ok)
      throw usageError(
        checked.problems.map((problem) => `--${problem.field}: ${problem.message}`).join('\n'),
      );
    let files: NodeFiles;
    try {
      files = renderNodeFiles(checked.values, options.templates);
    } catch (error) {
      throw new CliError(ExitCode.FAILED, (error as Error).message, { cause: error });
    }
    const tests: ConfigTestResult[] = options.configTest
      ? [
          testKeepalivedConf(checked.values, options.templates),
          testNginxConf(checked.values, options.templates),
        ]
      : [];
    const rejected = tests.filter((test) => test.verdict === 'failed');
    const written = rejected.length === 0 && options.out ? writeFiles(options.out, files) : [];
    const colour = Colour(process.stderr);
    if (options.json) emit(true, { role: checked.values.role, files, tests, written }, () => '');
    else if (!options.out && rejected.length === 0)
      for (const key of Object.keys(NODE_FILE_NAMES) as (keyof NodeFiles)[])
        process.stdout.write(
          `# ---- ${NODE_FILE_NAMES[key]}\n${files[key]}${files[key].endsWith('\n') ? '' : '\n'}`,
        );
    for (const test of tests) {
      const line =
        test.verdict === 'failed'
          ? colour.red(`${test.program} -t rejects the file:\n${test.output}`)
          : test.verdict === 'skipped'
            ? colour.yellow(`${test.program} -t not run: ${test.note}`)
            : colour.green(`${test.program} -t passed`) + (test.note ? ` (${test.note})` : '');
      process.stderr.write(`${line}\n`);
    }
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
    if (rejected.length > 0) {
      process.stderr.write('nothing written\n');
      setExitCode(ExitCode.FAILED);
    }
  });
}
