import { prettyFactory } from 'pino-pretty';
import type { LogFormat } from './log-format.js';

/** Turns one output line of a source (a service, a core, the stack) into what is printed. */
export type LineFormatter = (source: string, line: string, stream: 'stdout' | 'stderr') => string;

const SOURCE_WIDTH = 12;
const INFO = 30;
const ERROR = 50;

export function LineFormatter(format: LogFormat, options: { colorize: boolean }): LineFormatter {
  if (format === 'json') return jsonLine;
  const pretty = prettyFactory({
    colorize: options.colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,source',
  });
  return (source, line) => {
    const prefix = `${source.padEnd(SOURCE_WIDTH)}│ `;
    const text = parseEntry(line) ? pretty(line).trimEnd() : line;
    return text
      .split('\n')
      .map((part) => `${prefix}${part}\n`)
      .join('');
  };
}

/** A pino JSON line keeps its fields and gains `source`; any other line becomes a JSON entry. */
function jsonLine(source: string, line: string, stream: 'stdout' | 'stderr'): string {
  const entry = parseEntry(line);
  if (entry) return `${JSON.stringify({ source, ...entry })}\n`;
  return `${JSON.stringify({ level: stream === 'stderr' ? ERROR : INFO, time: new Date().toISOString(), source, msg: line })}\n`;
}

function parseEntry(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
