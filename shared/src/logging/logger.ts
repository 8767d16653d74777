import type { DestinationStream } from 'pino';
import { pino, type Logger } from 'pino';
import { serializeError } from './error-serializer.js';

export type { Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout (or `destination`), one `service` field, errors
 * as type, message, code and causes (no stack trace: see serializeError).
 */
export function createLogger(
  service: string,
  level: string,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
    // A credential that reaches a log call by mistake is censored, never printed.
    redact: {
      paths: ['password', 'passphrase', 'secret', '*.password', '*.passphrase', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
