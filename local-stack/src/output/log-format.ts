/**
 * How the stack prints the logs of everything it runs: `pretty` (pino-pretty, one
 * line per entry, prefixed with its source) on a terminal, `json` (the services' own
 * JSON lines, with a `source` field) otherwise. LOCAL_STACK_LOG=pretty|json overrides.
 */
export type LogFormat = 'pretty' | 'json';

export function chooseLogFormat(setting: string | undefined, isTTY: boolean): LogFormat {
  if (setting === undefined || setting === '') return isTTY ? 'pretty' : 'json';
  if (setting === 'pretty' || setting === 'json') return setting;
  throw new Error(`LOCAL_STACK_LOG: must be pretty or json, not ${JSON.stringify(setting)}`);
}
