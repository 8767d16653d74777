import type { StoredInstance } from '@gateway/shared';
import { UpstreamRender, type RenderedFile } from './upstream-render.js';

export { UPSTREAM_VARIABLE } from './upstream-render.js';

/** A render with its file as one string (small renders: tests, quarantine tests on a node). */
export type RenderedConfig = RenderedFile & {
  readonly content: string;
};

/**
 * Renders the upstream file from `instances` (UpstreamRender: deterministic, sorted, every
 * spec validated again), with the file as one string as well as its chunks.
 */
export function renderUpstreams(instances: readonly StoredInstance[]): RenderedConfig {
  const render = UpstreamRender();
  for (const instance of instances) render.add(instance);
  const file = render.finish();
  return { ...file, content: fileText(file.chunks) };
}

/** The file of `chunks` as one string. */
export function fileText(chunks: readonly Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}
