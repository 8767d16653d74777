import { createHash } from 'node:crypto';
import { ClientError, Status } from 'nice-grpc';
import type { ConfigPushClient } from '../connection/clients.js';
import { CliError, ExitCode } from '../exit-codes.js';

/** A render as gatewayctl shows it, whole. */
export type RenderRead = {
  readonly content: Buffer;
  readonly revision: number;
  readonly contentHash: string;
  readonly refusals: string[];
};

/**
 * The render, read through StreamRenderConfig (chunks of at most 1 MiB: a render of any
 * size fits), checked whole against the size and sha256 the service sent. A service older
 * than StreamRenderConfig (UNIMPLEMENTED) is asked with RenderConfig.
 */
export async function readRender(
  client: ConfigPushClient,
  options: { signal: AbortSignal },
): Promise<RenderRead> {
  try {
    return await readStream(client, options);
  } catch (error) {
    if (!(error instanceof ClientError) || error.code !== Status.UNIMPLEMENTED) throw error;
    const response = await client.renderConfig({}, options);
    return { ...response, content: Buffer.from(response.content, 'utf8') };
  }
}

async function readStream(
  client: ConfigPushClient,
  options: { signal: AbortSignal },
): Promise<RenderRead> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let received = 0;
  let head: { revision: number; contentHash: string; contentSize: number } | undefined;
  const refusals: string[] = [];
  for await (const message of client.streamRenderConfig({ chunkSize: 0 }, options)) {
    if (head === undefined) {
      head = message;
      refusals.push(...message.refusals);
      if (message.omittedRefusals > 0)
        refusals.push(`(${message.omittedRefusals} more refusals not shown)`);
    } else if (message.revision !== head.revision || message.contentHash !== head.contentHash)
      throw new CliError(ExitCode.FAILED, 'config-push: the render changed while it was sent');
    if (message.offset !== received)
      throw new CliError(ExitCode.FAILED, 'config-push: a chunk of the render is missing');
    const chunk = Buffer.from(message.contentChunk);
    received += chunk.length;
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (head === undefined) throw new CliError(ExitCode.FAILED, 'config-push: an empty answer');
  if (received !== head.contentSize || hash.digest('hex') !== head.contentHash)
    throw new CliError(
      ExitCode.FAILED,
      `config-push: the render arrived incomplete (${received} of ${head.contentSize} bytes, or its sha256 differs)`,
    );
  return {
    content: Buffer.concat(chunks),
    revision: head.revision,
    contentHash: head.contentHash,
    refusals,
  };
}
