/**
 * Convergence: Register returns → both nodes serve the instance (polled through each
 * node's nginx), against two floors measured in the same run, interleaved round by round
 * so the machine's noise falls on all three alike:
 *   (a) one persistent ssh2 session per node doing upload + `nginx -t` + reload, both
 *       nodes in parallel, until served (measured the same way);
 *   (b) the predecessor's way: a fresh OpenSSH `scp` + `ssh` per push and node.
 * Targets: (convergence − configured quiescence) ≤ 1.3 × floor (a), p50 and p95;
 * convergence ≤ 0.5 × floor (b).
 */
import type { Benchmark, BenchmarkFigure, BenchmarkTarget } from '../framework/benchmark.js';
import { BACKEND_BODY, startBenchWorld } from '../convergence/bench-world.js';
import { latencySummary } from '../convergence/percentile.js';
import { floorTargets, OpenSshFloor, renderFloor, Ssh2Floor } from '../convergence/push-floors.js';
import { bothServe } from '../convergence/served.js';

const POLL = { timeoutMs: 30_000, intervalMs: 5 };
/** Between two measurements: the previous push's background work ends (old workers retire). */
const SETTLE_MS = 300;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const benchmark: Benchmark = {
  name: 'convergence',
  title: 'Register → both nodes serve it, against a persistent-ssh2 and a fresh-OpenSSH push',
  async run({ quick, log, signal }) {
    const rounds = quick ? 4 : 32;
    const world = await startBenchWorld({ signal });
    const floors = await floorTargets(world.nodes);
    const ssh2 = await Ssh2Floor(floors, world.privateKeyPath);
    const openssh = OpenSshFloor(floors, world.privateKeyPath);
    const nodeUrls = world.nodes.map((node) => node.nginx.url);
    const floorUrls = floors.map((target) => target.url);
    const samples = { convergence: [] as number[], ssh2: [] as number[], openssh: [] as number[] };
    const registered: string[] = ['warmup'];
    try {
      const poll = { ...POLL, signal };
      for (let round = 0; round < rounds; round++) {
        signal.throwIfAborted();
        const group = `c${round}`;
        await world.register(group);
        const returned = performance.now();
        samples.convergence.push((await bothServe(nodeUrls, group, BACKEND_BODY, poll)) - returned);
        registered.push(group);
        await pause(SETTLE_MS);

        for (const [name, floor] of [
          ['ssh2', ssh2],
          ['openssh', openssh],
        ] as const) {
          const floorGroup = `${name === 'ssh2' ? 's' : 'o'}${round}`;
          // As many groups as the registry's render has, plus this push's new one.
          const groups = [
            ...registered.slice(1).map((group) => `${floorGroup}_${group}`),
            floorGroup,
          ];
          const started = performance.now();
          await floor.push((target) => renderFloor(target, groups, world.backendPort));
          samples[name].push(
            (await bothServe(floorUrls, floorGroup, BACKEND_BODY, poll)) - started,
          );
          await pause(SETTLE_MS);
        }
        log(
          `round ${round + 1}/${rounds}: convergence ${samples.convergence.at(-1)?.toFixed(0)} ms, ssh2 floor ${samples.ssh2.at(-1)?.toFixed(0)} ms, fresh OpenSSH ${samples.openssh.at(-1)?.toFixed(0)} ms`,
        );
      }
    } finally {
      ssh2.close();
      await world.close();
    }

    const convergence = latencySummary(samples.convergence);
    const floorSsh2 = latencySummary(samples.ssh2);
    const floorOpenSsh = latencySummary(samples.openssh);
    const q = world.quiescenceMs;
    const ratio = (value: number) => Math.round(value * 100) / 100;
    const figures: BenchmarkFigure[] = [
      { name: 'changes measured', value: rounds, unit: 'count' },
      { name: 'configured quiescence (CONFIG_PUSH_WAIT_MIN)', value: q, unit: 'ms' },
      { name: 'convergence p50', value: convergence.p50, unit: 'ms' },
      { name: 'convergence p95', value: convergence.p95, unit: 'ms' },
      { name: 'floor: persistent ssh2 p50', value: floorSsh2.p50, unit: 'ms' },
      { name: 'floor: persistent ssh2 p95', value: floorSsh2.p95, unit: 'ms' },
      { name: 'fresh OpenSSH scp + ssh p50', value: floorOpenSsh.p50, unit: 'ms' },
      { name: 'fresh OpenSSH scp + ssh p95', value: floorOpenSsh.p95, unit: 'ms' },
    ];
    const targets: BenchmarkTarget[] = [
      {
        name: '(convergence p50 − quiescence) ÷ ssh2 floor p50',
        value: ratio((convergence.p50 - q) / floorSsh2.p50),
        comparison: '<=',
        bound: 1.3,
        unit: 'ratio',
      },
      {
        name: '(convergence p95 − quiescence) ÷ ssh2 floor p95',
        value: ratio((convergence.p95 - q) / floorSsh2.p95),
        comparison: '<=',
        bound: 1.3,
        unit: 'ratio',
      },
      {
        name: 'convergence p50 ÷ fresh OpenSSH p50',
        value: ratio(convergence.p50 / floorOpenSsh.p50),
        comparison: '<=',
        bound: 0.5,
        unit: 'ratio',
      },
      {
        name: 'convergence p95 ÷ fresh OpenSSH p95',
        value: ratio(convergence.p95 / floorOpenSsh.p95),
        comparison: '<=',
        bound: 0.5,
        unit: 'ratio',
      },
    ];
    return {
      figures,
      targets,
      notes: [
        `Services run as their own processes with shipped defaults (quiescence ${q} ms, revision poll 2 s); two nodes (nginx + sshd on 127.0.0.61/62), health probing them. "Served" = a fresh-connection GET with the new group's X-Gateway-Group header answered by its backend, polled every 5 ms through each node; the floors are timed from the start of their push to the same condition.`,
        "Convergence includes what the floors do not: the Register → change message → quiescence → render path, the apply script's checks (lock, fence, sha256, grammar, backup, rename, journal) and config-push's bookkeeping (Redis records, push attempts).",
        "Rounds interleave convergence, ssh2 floor and OpenSSH floor so a busy moment of this shared 2-core machine hits all three; p95 over 32 changes is the 2nd-slowest sample and moves with the machine's load.",
      ],
    };
  },
};
