import { createWriteStream, type WriteStream } from 'node:fs';
import { pino, type Logger } from 'pino';
import { onCleanup } from './cleanup.js';
import { testLogFile } from './test-run-dir.js';

/**
 * A stream into a fresh file of the run's `logs/` (scanned for secrets at the end of the
 * run), ended when the test process exits.
 */
export function testLogStream(name: string): WriteStream {
  const stream = createWriteStream(testLogFile(name), { mode: 0o600 });
  stream.on('error', () => undefined);
  onCleanup(() => stream.end());
  return stream;
}

/**
 * The logger of a service run in the test's own process: JSON lines as the service's own
 * logger writes them, at TEST_LOG_LEVEL (default info), into the run's `logs/` (read them
 * there when a test fails; the run's secret scan reads them too).
 */
export function testLogger(name: string): Logger {
  return pino(
    {
      level: process.env['TEST_LOG_LEVEL'] ?? 'info',
      base: { service: name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    testLogStream(name),
  );
}
