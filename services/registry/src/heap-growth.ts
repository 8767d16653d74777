import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full GC kept before the next
 * one (REGISTRY_HEAP_GROWING_PERCENT; 0 leaves V8's own factor, up to 300 % on a small
 * heap). Snapshot and list reads make short-lived objects that V8 allocates in or promotes
 * to the old generation (its allocation sites see them survive the reads' round trips);
 * with V8's factor the heap filled with that garbage to about four times the live heap
 * before a full GC (the registry with 100 watchers of a 50,000-instance registry: 25 MB
 * live, heap 140 MB, RSS 210–240 MB), and RSS stays at that high-water mark afterwards.
 * At 30 % the same benchmark ended at 141–148 MB RSS (50 %: 149–151 MB). The cost: more
 * full GCs, 22 instead of 4 over the benchmark's minute (1.2 s of pause in all instead of
 * 0.3 s, on a loaded 2-core machine; most of the marking is concurrent). Read by V8
 * whenever it sets the next limit, so it applies from the process's next GC on.
 * Process-wide: only the service entry calls it.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
