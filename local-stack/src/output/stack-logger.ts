import { pino, type Logger } from 'pino';
import { serializeError } from '@gateway/shared';
import type { LineFormatter } from './line-formatter.js';

export type { Logger } from 'pino';

/** The stack's own logger: pino JSON entries, printed through the same formatter as its children's. */
export function createStackLogger(format: LineFormatter, level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'local-stack', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
    },
    {
      write: (entry: string) => {
        process.stdout.write(format('local-stack', entry.trimEnd(), 'stdout'));
      },
    },
  );
}
