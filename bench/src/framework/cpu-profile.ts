import type { BenchmarkProfile } from './benchmark.js';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) this reads. */
export type CpuProfile = {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }>;
  readonly samples: readonly number[];
  /** Microseconds between samples (the first one since startTime). */
  readonly timeDeltas: readonly number[];
};

/** A script URL shortened to what a reader recognises: node_modules/pkg/… or the repo-relative path. */
export function shortLocation(url: string, lineNumber: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  const workspace = /\/(services|shared|proto|sdk|bench|testkit)\/.*$/.exec(path);
  const short =
    modules >= 0
      ? path.slice(modules + 'node_modules/'.length)
      : workspace
        ? workspace[0].slice(1)
        : path;
  return `${short}:${lineNumber + 1}`;
}

/**
 * Self time per function (same name and place), highest first: the `top` of a profile.
 * `(idle)` is left out of the list, so the percentages are of the busy time.
 */
export function topFunctions(profile: CpuProfile, title: string, limit = 15): BenchmarkProfile {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const node = byNode.get(nodeId);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busyUs += delta;
    const location = shortLocation(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${node.callFrame.functionName}@${location}`;
    const entry = selfUs.get(key) ?? { name: node.callFrame.functionName, location, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  const functions = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      selfMs: Math.round(entry.us / 100) / 10,
      selfPercent: busyUs > 0 ? Math.round((entry.us / busyUs) * 1000) / 10 : 0,
    }));
  return { title, totalMs: Math.round(busyUs / 1000), functions };
}
