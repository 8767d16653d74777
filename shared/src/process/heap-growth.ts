import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full GC kept before the next
 * one (`<SERVICE>_HEAP_GROWING_PERCENT`; 0 leaves V8's own factor, up to 300 % on a small
 * heap). The services' reads (watch snapshots and list pages in the registry, the render
 * in config-push) make short-lived objects that V8 allocates in or promotes to the old
 * generation (they survive Redis round trips); with V8's factor the heap filled with that
 * garbage to about four times the live heap before a full GC, and RSS stays at that
 * high-water mark afterwards (the registry with 100 watchers of a 50,000-instance
 * registry: 25 MB live, heap 140 MB, RSS 210–240 MB; at 30 %: 141–148 MB). The cost: more
 * full GCs (registry: 22 instead of 4 over the memory benchmark's minute, 1.2 s of pause
 * in all instead of 0.3 s on a loaded 2-core machine; most marking is concurrent). Read by
 * V8 whenever it sets the next limit, so it applies from the process's next GC on.
 * Process-wide: only a service's entry calls it.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
