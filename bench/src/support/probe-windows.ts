/** The most probes that fall within any span shorter than a window ($msec rounds to 1 ms). */
export function mostProbesInAWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs - 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
