/** A signal that aborts when `parent` does or `ms` after now; `clear()` once the work is done. */
export type Deadline = { readonly signal: AbortSignal; readonly clear: () => void };

/**
 * Like `AbortSignal.any([parent, AbortSignal.timeout(ms)])`, with a timer that is held
 * strongly. On Node 20, `AbortSignal.any` keeps its sources only weakly, so an
 * `AbortSignal.timeout` nobody else references can be garbage-collected and never fire:
 * a hung SSH command would then never time out (seen under load in the stuck-node test).
 */
export function deadline(parent: AbortSignal | undefined, ms: number): Deadline {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')),
    ms,
  );
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
