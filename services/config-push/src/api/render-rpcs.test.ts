import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import { Status } from 'nice-grpc';
import { FieldViolation } from '@gateway/shared';
import type { RegistryRender } from '../render/render-registry.js';
import { renderUpstreams } from '../render/render-upstreams.js';
import { storedInstance } from '../render/stored-instance.fixture.js';
import { UpstreamRender } from '../render/upstream-render.js';
import type { RenderPreview } from './render-preview.js';
import {
  RENDER_CONFIG_MAX_BYTES,
  renderConfigAnswer,
  STREAM_CHUNK_MAX_BYTES,
  STREAM_REFUSALS_MAX,
  streamChunkSize,
  streamRenderMessages,
} from './render-rpcs.js';

function preview(
  instances: number,
  invalid: number,
  host = (i: number) => `10.1.${i >> 8}.${i & 255}`,
): RenderPreview {
  const render = UpstreamRender();
  for (let i = 0; i < instances; i++) render.add(storedInstance(`g${i % 7}`, host(i), 8080));
  const registry: RegistryRender = {
    epoch: '1-ab',
    revision: 42,
    file: render.finish(),
    invalid: Array.from({ length: invalid }, (_, i) => ({
      id: `x/${i}`,
      error: `bad ${'z'.repeat(2_000)}`,
    })),
    excluded: [],
    read: instances + invalid,
  };
  return { registry, desired: undefined, quarantine: new Map(), refusal: undefined };
}

describe('StreamRenderConfig and RenderConfig answers', () => {
  it('cut the file into messages of at most the chunk size that rebuild it byte for byte', () => {
    const shown = preview(5_000, 0);
    for (const size of [97, 1_000, 65_536, STREAM_CHUNK_MAX_BYTES]) {
      const messages = [...streamRenderMessages(shown, size)];
      const file = Buffer.concat(messages.map((message) => message.contentChunk));
      assert.ok(messages.every((message) => message.contentChunk.length <= size));
      assert.deepEqual(file, Buffer.concat(shown.registry.file.chunks));
      assert.equal(createHash('sha256').update(file).digest('hex'), messages[0].contentHash);
      assert.ok(messages.every((message) => message.contentSize === file.length));
      let offset = 0;
      for (const message of messages) {
        assert.equal(message.offset, offset);
        offset += message.contentChunk.length;
      }
    }
  });

  it('send at most 100 refusals of at most 1,000 characters, in the first message only, with how many were left out', () => {
    const messages = [...streamRenderMessages(preview(3_000, 250), 4_096)];
    assert.equal(messages[0].refusals.length, STREAM_REFUSALS_MAX);
    assert.equal(messages[0].omittedRefusals, 150);
    assert.ok(messages[0].refusals.every((text) => text.length <= 1_000));
    assert.ok(messages.slice(1).every((message) => message.refusals.length === 0));
  });

  it('send an empty render as one message', () => {
    const empty = preview(0, 0);
    const messages = [...streamRenderMessages(empty, 1_000)];
    assert.equal(messages.length, 1);
    assert.equal(messages[0].contentSize, empty.registry.file.bytes);
  });

  it('refuse a chunk_size outside 0 to 1 MiB naming the field; 0 means 1 MiB', () => {
    assert.equal(streamChunkSize({ chunkSize: 0 }), STREAM_CHUNK_MAX_BYTES);
    assert.equal(streamChunkSize({ chunkSize: 7 }), 7);
    for (const chunkSize of [-1, STREAM_CHUNK_MAX_BYTES + 1, 2 ** 31 - 1])
      assert.throws(
        () => streamChunkSize({ chunkSize }),
        (error: unknown) => error instanceof FieldViolation && error.field === 'chunk_size',
      );
  });

  it('RenderConfig answers a render under its bound whole, identical to the renderer, and refuses a larger one naming StreamRenderConfig', () => {
    const small = preview(2_000, 0);
    const instances = Array.from({ length: 2_000 }, (_, i) =>
      storedInstance(`g${i % 7}`, `10.1.${i >> 8}.${i & 255}`, 8080),
    );
    assert.equal(renderConfigAnswer(small).content, renderUpstreams(instances).content);
    const long = (i: number) => `${'h'.repeat(50)}${i}.${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
    const large = preview(Math.ceil(RENDER_CONFIG_MAX_BYTES / 200), 0, long);
    assert.ok(large.registry.file.bytes > RENDER_CONFIG_MAX_BYTES);
    assert.throws(
      () => renderConfigAnswer(large),
      (error: unknown) =>
        error instanceof Error &&
        'code' in error &&
        error.code === Status.RESOURCE_EXHAUSTED &&
        /StreamRenderConfig/.test(error.message),
    );
  });
});
