/**
 * Last-resort cleanup for everything a test starts (processes, namespaces, temp
 * dirs): run, synchronously, when the test process exits for any reason it can
 * still react to, in reverse order of registration. Tests also stop what they
 * start in `after` hooks; this catches what a failure left behind.
 */
const actions: Array<() => void> = [];
let installed = false;

export function onCleanup(action: () => void): () => void {
  install();
  actions.push(action);
  return () => {
    const index = actions.indexOf(action);
    if (index >= 0) actions.splice(index, 1);
  };
}

function runAll(): void {
  while (actions.length > 0) {
    const action = actions.pop()!;
    try {
      action();
    } catch {
      // Keep cleaning: one failure must not leave the rest behind.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // Someone else handles this signal (e.g. the local stack draining): the
      // exit hook still cleans up when that handler exits.
      if (process.listenerCount(signal) > 1) return;
      runAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}
