// One vitest run for the whole tree: per workspace, a `unit` project (tests beside the source,
// src/**/*.test.ts: no root, no external program) and an integration project (test/**/*.test.ts,
// real redis-server / nginx / sshd / keepalived started by @gateway/testkit).
//
// An integration project whose prerequisites this machine lacks (root, a program) is left out with
// a message naming what is missing; under CI (CI=true) that is an error instead: CI runs everything.
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { missingPrerequisites, type Prerequisite } from './testkit/src/prerequisites.js';

type Workspace = {
  dir: string;
  name: string;
  needs: readonly Prerequisite[];
  /** No integration tests (bench: its benchmarks run with `npm run bench`, not as tests). */
  unitOnly?: boolean;
};

const SERVER: readonly Prerequisite[] = ['root', 'redis-server', 'redis-sentinel', 'nginx', 'sshd'];

const WORKSPACES: readonly Workspace[] = [
  { dir: 'shared', name: 'shared', needs: [] },
  { dir: 'testkit', name: 'testkit', needs: ['nginx'] },
  { dir: 'services/registry', name: 'registry', needs: SERVER },
  { dir: 'services/health', name: 'health', needs: [...SERVER, 'ip'] },
  { dir: 'services/config-push', name: 'config-push', needs: [...SERVER, 'sudo'] },
  { dir: 'sdk', name: 'sdk', needs: SERVER },
  { dir: 'cli', name: 'cli', needs: [...SERVER, 'keepalived', 'ip'] },
  { dir: 'examples/gateway-core', name: 'gateway-core', needs: [] },
  // The local stack's test binds the fixed ports 127.0.0.1:50051–50053 (no other test does:
  // the test kit's freePort never hands them out).
  {
    dir: 'local-stack',
    name: 'local-stack',
    needs: ['root', 'redis-server', 'nginx', 'sshd', 'curl'],
  },
  { dir: 'test', name: 'system', needs: [...SERVER, 'keepalived', 'ip', 'curl'] },
  { dir: 'bench', name: 'bench', needs: [], unitOnly: true },
];

const EXCLUDE = ['**/node_modules/**', '**/dist/**'];

/**
 * Integration tests that keep both cores busy for a minute or more (50,000 instances, the
 * wire fuzzers): they run in a group of their own after every other test, so the timing-bound
 * tests never share the machine with them.
 */
const HEAVY = ['test/bounded-messages.test.ts', 'test/wire-fuzz.test.ts'];

function unitProject(workspace: Workspace): TestProjectInlineConfiguration {
  return {
    test: {
      name: `unit:${workspace.name}`,
      root: workspace.dir,
      include: ['src/**/*.test.ts'],
      exclude: EXCLUDE,
      // Property tests run hundreds of cases: allow for a loaded machine, still far under a minute.
      testTimeout: 20_000,
      // Pure tests share their worker's module cache: importing the workspaces once per
      // worker, not once per file, keeps the tier within seconds on a busy machine.
      isolate: false,
    },
  };
}

/** `--project unit:*` (npm run test:unit): the integration projects are not wanted, nor their prerequisites. */
function unitTierOnly(argv: readonly string[]): boolean {
  const projects = argv.flatMap((arg, index) =>
    arg === '--project'
      ? [argv[index + 1] ?? '']
      : arg.startsWith('--project=')
        ? [arg.slice(10)]
        : [],
  );
  return projects.length > 0 && projects.every((project) => project.startsWith('unit:'));
}

function integrationProject(workspace: Workspace): TestProjectInlineConfiguration[] {
  if (unitTierOnly(process.argv) || workspace.unitOnly) return [];
  const missing = missingPrerequisites(workspace.needs);
  if (missing.length > 0) {
    const message = `integration tests of ${workspace.dir} need ${missing.join(', ')}`;
    if (process.env['CI']) throw new Error(`${message}: under CI nothing may be skipped`);
    console.warn(`vitest: skipping the ${message} (run as root after \`npm run setup\`)`);
    return [];
  }
  // Real programs on a shared 2-core machine: generous bounds, the tests poll for conditions.
  const bounds = { testTimeout: 240_000, hookTimeout: 120_000, teardownTimeout: 30_000 };
  return [
    {
      test: {
        name: workspace.name,
        root: workspace.dir,
        include: ['test/**/*.test.ts'],
        exclude: [...EXCLUDE, ...HEAVY],
        ...bounds,
      },
    },
    {
      test: {
        name: `${workspace.name}:heavy`,
        root: workspace.dir,
        include: HEAVY,
        exclude: EXCLUDE,
        sequence: { groupOrder: 1 },
        passWithNoTests: true,
        ...bounds,
      },
    },
  ];
}

export default defineConfig({
  test: {
    // Each test file in its own child process, so the test kit's exit hooks clean up what it started.
    pool: 'forks',
    // Every process and in-process logger the test kit starts writes to this run's log
    // directory; at the end, the logs are scanned for the secrets the test kit hands out.
    globalSetup: ['./testkit/src/secret-scan-setup.ts'],
    maxWorkers: Number(process.env['TEST_CONCURRENCY'] ?? 2),
    projects: WORKSPACES.flatMap((workspace) => [
      unitProject(workspace),
      ...integrationProject(workspace),
    ]),
  },
});
