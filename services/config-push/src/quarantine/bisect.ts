/** What a test of a candidate set says: it passes, or fails with nginx's message. */
export type TestVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

export type BisectResult =
  | { readonly found: true; readonly culprit: string; readonly message: string; tests: number }
  | { readonly found: false; readonly why: string; tests: number };

/**
 * Finds one instance whose presence makes the render fail when nginx does not say which
 * (e.g. "could not build map_hash"): the shortest failing prefix of `ids` (known to fail
 * whole) ends with a culprit, found by binary search in ceil(log2(n)) tests. `ids` must
 * be ordered so that a prefix never fails for want of a later instance (the caller puts
 * primaries before backups). When the culprit is the first instance, nothing has shown
 * the node can pass at all: the rest is tested too, and if it fails the same way the
 * node is blamed, not the instance.
 */
export async function bisectCulprit(
  ids: readonly string[],
  test: (subset: readonly string[]) => Promise<TestVerdict>,
  sameFailure: (a: string, b: string) => boolean,
  fullMessage: string,
): Promise<BisectResult> {
  let tests = 0;
  const run = async (subset: readonly string[]) => {
    tests += 1;
    return await test(subset);
  };
  if (ids.length === 0) return { found: false, why: 'no instance to bisect', tests };
  let good = 0;
  let bad = ids.length;
  let badMessage = fullMessage;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    const verdict = await run(ids.slice(0, middle));
    if (verdict.ok) good = middle;
    else {
      bad = middle;
      badMessage = verdict.message;
    }
  }
  const culprit = ids[bad - 1];
  if (good === 0 && ids.length > 1) {
    const rest = await run(ids.slice(1));
    if (!rest.ok && sameFailure(rest.message, badMessage))
      return {
        found: false,
        why: `every candidate fails the same way (the node, not an instance): ${badMessage}`,
        tests,
      };
  }
  return { found: true, culprit, message: badMessage, tests };
}
