import { ServerError, Status } from 'nice-grpc';
import type { RenderConfigResponse, StreamRenderConfigResponse } from '@gateway/proto/configpush';
import { FieldViolation } from '@gateway/shared';
import { fileText } from '../render/render-upstreams.js';
import type { RenderPreview } from './render-preview.js';

/**
 * The largest RenderConfig answer (content and refusals), in bytes: under grpc's default
 * 4 MiB receive limit of every client, with room for the message's framing.
 */
export const RENDER_CONFIG_MAX_BYTES = 4_000_000;
/** The largest (and default) chunk of StreamRenderConfig. */
export const STREAM_CHUNK_MAX_BYTES = 1024 * 1024;
/** Refusals in StreamRenderConfig's first message, and characters of each. */
export const STREAM_REFUSALS_MAX = 100;
export const STREAM_REFUSAL_MAX_CHARS = 1_000;

/** Why the preview would not be pushed, and what it leaves out, as RenderConfig lists it. */
export function previewRefusals(preview: RenderPreview): string[] {
  const { registry, quarantine, refusal } = preview;
  return [
    ...(refusal ? [refusal.message] : []),
    ...registry.file.skipped.map((entry) => `instance ${entry.id} left out: ${entry.reason}`),
    ...registry.invalid.map(
      (entry) => `instance ${entry.id} fails validation, left out: ${entry.error}`,
    ),
    ...[...quarantine.values()].map(
      (entry) => `instance ${entry.id} quarantined, left out: ${entry.reason}`,
    ),
  ];
}

/**
 * RenderConfig's answer: the whole file in one message, or RESOURCE_EXHAUSTED naming
 * StreamRenderConfig when it would be larger than RENDER_CONFIG_MAX_BYTES (never cut).
 */
export function renderConfigAnswer(preview: RenderPreview): RenderConfigResponse {
  const refusals = previewRefusals(preview);
  const { file } = preview.registry;
  const bytes =
    file.bytes + refusals.reduce((sum, text) => sum + Buffer.byteLength(text) + 8, 0) + 128;
  if (bytes > RENDER_CONFIG_MAX_BYTES)
    throw new ServerError(
      Status.RESOURCE_EXHAUSTED,
      `the render (${file.bytes} bytes, ${refusals.length} refusals) is over RenderConfig's bound of ${RENDER_CONFIG_MAX_BYTES} bytes: call StreamRenderConfig, which sends it in chunks`,
    );
  return {
    content: fileText(file.chunks),
    revision: preview.registry.revision,
    contentHash: file.hash,
    refusals,
  };
}

/** StreamRenderConfig's chunk_size, checked (INVALID_ARGUMENT naming the field). */
export function streamChunkSize(request: { chunkSize: number }): number {
  const size = request.chunkSize;
  if (!Number.isInteger(size) || size < 0 || size > STREAM_CHUNK_MAX_BYTES)
    throw new FieldViolation(
      'chunk_size',
      `must be 0 (default ${STREAM_CHUNK_MAX_BYTES}) to ${STREAM_CHUNK_MAX_BYTES} bytes`,
    );
  return size === 0 ? STREAM_CHUNK_MAX_BYTES : size;
}

/**
 * StreamRenderConfig's messages: the file in pieces of at most `chunkSize` bytes (views of
 * the render's chunks: nothing is copied), each with the revision, hash and size; the
 * first also carries the refusals (at most STREAM_REFUSALS_MAX, each cut to
 * STREAM_REFUSAL_MAX_CHARS, with how many were left out). An empty file is one message.
 */
export function* streamRenderMessages(
  preview: RenderPreview,
  chunkSize: number,
): Generator<StreamRenderConfigResponse> {
  const { file, revision } = preview.registry;
  const all = previewRefusals(preview);
  const refusals = all
    .slice(0, STREAM_REFUSALS_MAX)
    .map((text) =>
      text.length > STREAM_REFUSAL_MAX_CHARS
        ? `${text.slice(0, STREAM_REFUSAL_MAX_CHARS - 1)}…`
        : text,
    );
  const base = { revision, contentHash: file.hash, contentSize: file.bytes };
  let first = true;
  let offset = 0;
  const message = (contentChunk: Buffer): StreamRenderConfigResponse => {
    const out = {
      ...base,
      contentChunk,
      offset,
      refusals: first ? refusals : [],
      omittedRefusals: first ? all.length - refusals.length : 0,
    };
    first = false;
    offset += contentChunk.length;
    return out;
  };
  for (const chunk of file.chunks) {
    for (let start = 0; start < chunk.length; start += chunkSize)
      yield message(chunk.subarray(start, Math.min(chunk.length, start + chunkSize)));
  }
  if (first) yield message(Buffer.alloc(0));
}
