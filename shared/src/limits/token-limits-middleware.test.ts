import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  createChannel,
  createClient,
  createServer,
  Status,
  type ServerMiddleware,
} from 'nice-grpc';
import { pino } from 'pino';
import { describe, it } from 'vitest';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { withCallNote } from '../grpc/call-note.js';
import { tokenLimitsMiddleware } from './token-limits-middleware.js';

describe('per-token limits middleware', () => {
  it('refuses past the burst and logs the refusals as one line, not one per call', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const identify: ServerMiddleware = async function* (call, context) {
      const noted = withCallNote(context);
      noted.note.identity = { name: 'flooder', role: 'sdk' };
      return yield* call.next(call.request, noted.context);
    };
    const server = createServer()
      .use(identify)
      .use(
        tokenLimitsMiddleware(
          { perSecond: 0.01, burst: 2, maxStreams: 1 },
          new Set(['/grpc.health.v1.Health/Check']),
          logger,
        ),
      );
    server.add(HealthDefinition, HealthServiceImpl(HealthState()));
    const port = await server.listen('127.0.0.1:0');
    const channel = createChannel(`127.0.0.1:${port}`);
    const client = createClient(HealthDefinition, channel);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () =>
          client.check({ service: '' }).then(
            () => 'OK',
            (error: { code: Status }) => Status[error.code],
          ),
        ),
      );
      assert.equal(outcomes.filter((outcome) => outcome === 'OK').length, 2);
      assert.equal(outcomes.filter((outcome) => outcome === 'RESOURCE_EXHAUSTED').length, 48);
      assert.equal(lines.length, 1, `one log line for 48 refusals: ${lines.join('')}`);
    } finally {
      channel.close();
      await server.shutdown();
    }
  });
});
