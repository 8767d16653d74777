import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The process logger: JSON lines on stdout, one `service` field, errors with their stack. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
    // A credential that reaches a log call by mistake is censored, never printed.
    redact: {
      paths: ['password', 'passphrase', 'secret', '*.password', '*.passphrase', '*.secret'],
      censor: '[redacted]',
    },
  });
}
