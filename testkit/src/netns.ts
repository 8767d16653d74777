import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { pidAlive } from './proc.js';

/**
 * The ONE address range tests may use for network namespaces: 10.249.0.0/24, split
 * into 16 slots of a /28 so that parallel runs on one machine never share addresses.
 * Traffic only ever goes to loopback and these namespaces: nothing routes out.
 */
export const TEST_NETWORK = Object.freeze({
  /** The whole range, for documentation and sanity checks. */
  cidr: '10.249.0.0/24',
  firstOctets: '10.249.0',
  slotPrefixLength: 28,
  slotSize: 16,
  slots: 16,
});

/** Names of everything a run creates start with this, followed by the slot number. */
const NAME_PREFIX = 'gwt';
const LOCK_DIR = '/run/gateway-test-netns';

export type Namespace = {
  /** `ip netns` name, e.g. gwt3-node1. */
  readonly name: string;
  /** Its address on the run's bridge. */
  readonly ip: string;
  /** Its interface on the bridge (inside the namespace). */
  readonly interface: string;
  /** Runs a command inside the namespace to completion; returns stdout (throws on failure). */
  exec(command: string, args: readonly string[], options?: { timeoutMs?: number }): string;
  /** Starts a program inside the namespace as a managed process (killed when the test process exits). */
  spawn(
    name: string,
    command: string,
    args: readonly string[],
    options?: { env?: NodeJS.ProcessEnv; cwd?: string },
  ): ManagedProcess;
  /** True when `address` is currently assigned to an interface of this namespace (e.g. the VIP). */
  hasAddress(address: string): boolean;
};

export type TestNetwork = {
  readonly slot: number;
  readonly bridge: string;
  /** The root namespace's address on the bridge: services running in the root namespace listen here. */
  readonly rootIp: string;
  /** "/28" */
  readonly prefixLength: number;
  /** Host address number `index` (2-14) of this run's slot. */
  address(index: number): string;
  /** Creates a namespace with a veth on the bridge at host address `index`, loopback up. */
  addNamespace(role: string, index: number): Namespace;
  /** Kills every process left in the namespaces, deletes them, the links and the slot lock. Idempotent. */
  teardown(): void;
};

function ip(args: readonly string[], options: { allowFailure?: boolean } = {}): string {
  try {
    return execFileSync('ip', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
  } catch (error) {
    if (options.allowFailure) return '';
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

function ourNamespaces(): string[] {
  return ip(['netns', 'list'], { allowFailure: true })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NAME_PREFIX));
}

function ourLinks(): string[] {
  return ip(['-o', 'link', 'show'], { allowFailure: true })
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(NAME_PREFIX));
}

function killNamespaceProcesses(name: string): void {
  const pids = ip(['netns', 'pids', name], { allowFailure: true })
    .split(/\s+/)
    .filter((text) => /^\d+$/.test(text))
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Removes whatever a run in `slot` left (processes in its namespaces, the namespaces,
 * its links). Only called while holding the slot's lock, so nothing live is touched.
 */
function removeSlotLeftovers(slot: number, namespaces = ourNamespaces(), links = ourLinks()): void {
  for (const name of namespaces.filter((n) => n.startsWith(`${NAME_PREFIX}${slot}-`))) {
    killNamespaceProcesses(name);
    ip(['netns', 'del', name], { allowFailure: true });
  }
  const ofSlot = new RegExp(`^${NAME_PREFIX}${slot}(br|v\\d+)$`);
  for (const link of links.filter((l) => ofSlot.test(l)))
    ip(['link', 'del', link], { allowFailure: true });
}

/** Creates the lock file holding our pid; false when it exists. */
function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx', 0o644);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function ownerAlive(lock: string): boolean {
  let owner: number;
  try {
    owner = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    return false;
  }
  return Number.isInteger(owner) && owner > 0 && pidAlive(owner);
}

/**
 * Takes the first free slot (a lock file holding our pid) and, on the way, sweeps every
 * slot no live run holds: a lock whose process died is stale, and whatever a crashed
 * run left in such a slot is removed once we hold its lock.
 */
function acquireSlot(): number {
  mkdirSync(LOCK_DIR, { recursive: true, mode: 0o755 });
  const namespaces = ourNamespaces();
  const links = ourLinks();
  let chosen: number | undefined;
  for (let slot = 0; slot < TEST_NETWORK.slots; slot++) {
    const lock = join(LOCK_DIR, `slot-${slot}`);
    if (!tryLock(lock)) {
      if (ownerAlive(lock)) continue;
      rmSync(lock, { force: true }); // its run died
      if (!tryLock(lock)) continue; // another run took it meanwhile
    }
    removeSlotLeftovers(slot, namespaces, links);
    if (chosen === undefined) chosen = slot;
    else rmSync(lock, { force: true });
  }
  if (chosen === undefined)
    throw new Error(
      `no free test network slot in ${LOCK_DIR} (${TEST_NETWORK.slots} runs in parallel?)`,
    );
  return chosen;
}

/**
 * Creates this run's test network: a bridge in the root namespace holding the root's
 * address (so services in the root namespace reach the namespaces and back), and
 * namespaces joined to it by veth pairs on demand. Everything is removed by
 * `teardown()` and, whatever happens, when the test process exits.
 */
export function createTestNetwork(): TestNetwork {
  if (process.getuid?.() !== 0)
    throw new Error('createTestNetwork: needs root (ip netns, veth, bridge)');
  const slot = acquireSlot();
  const base = slot * TEST_NETWORK.slotSize;
  const address = (index: number) => {
    if (!Number.isInteger(index) || index < 1 || index > TEST_NETWORK.slotSize - 2)
      throw new Error(`host index ${index} outside 1-14`);
    return `${TEST_NETWORK.firstOctets}.${base + index}`;
  };
  const bridge = `${NAME_PREFIX}${slot}br`;
  const rootIp = address(1);
  const namespaces: string[] = [];
  const links: string[] = [bridge];
  let tornDown = false;

  const teardown = () => {
    if (tornDown) return;
    tornDown = true;
    for (const name of namespaces) killNamespaceProcesses(name);
    for (const name of namespaces) ip(['netns', 'del', name], { allowFailure: true });
    for (const link of links.reverse()) ip(['link', 'del', link], { allowFailure: true });
    removeSlotLeftovers(slot);
    rmSync(join(LOCK_DIR, `slot-${slot}`), { force: true });
  };
  const removeCleanup = onCleanup(teardown);

  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${rootIp}/${TEST_NETWORK.slotPrefixLength}`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
  } catch (error) {
    teardown();
    removeCleanup();
    throw error;
  }

  return {
    slot,
    bridge,
    rootIp,
    prefixLength: TEST_NETWORK.slotPrefixLength,
    address,
    addNamespace(role, index) {
      if (!/^[a-z0-9]{1,8}$/.test(role))
        throw new Error(`namespace role "${role}": 1-8 lower-case letters or digits`);
      const name = `${NAME_PREFIX}${slot}-${role}`;
      const rootEnd = `${NAME_PREFIX}${slot}v${index}`;
      const nsIp = address(index);
      ip(['netns', 'add', name]);
      namespaces.push(name);
      ip(['link', 'add', rootEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
      links.push(rootEnd);
      ip(['link', 'set', rootEnd, 'master', bridge, 'up']);
      ip(['-n', name, 'addr', 'add', `${nsIp}/${TEST_NETWORK.slotPrefixLength}`, 'dev', 'eth0']);
      ip(['-n', name, 'link', 'set', 'eth0', 'up']);
      ip(['-n', name, 'link', 'set', 'lo', 'up']);
      return {
        name,
        ip: nsIp,
        interface: 'eth0',
        exec(command, args, options = {}) {
          return execFileSync('ip', ['netns', 'exec', name, command, ...args], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: options.timeoutMs ?? 10_000,
          });
        },
        spawn(processName, command, args, options = {}) {
          return startProcess(
            `${processName}@${name}`,
            'ip',
            ['netns', 'exec', name, command, ...args],
            options,
          );
        },
        hasAddress(wanted) {
          return ip(['-n', name, '-o', '-4', 'addr', 'show'], { allowFailure: true })
            .split('\n')
            .some((line) => line.includes(` ${wanted}/`));
        },
      };
    },
    teardown() {
      teardown();
      removeCleanup();
    },
  };
}
