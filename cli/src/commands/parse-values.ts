import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: a bad value is a usage error (exit 2) naming the value. */
export function integerIn(min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return Number(text);
  };
}

/** "30s", "1h", "500ms", "2m" → milliseconds. */
export function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError('must be a duration such as 500ms, 30s, 5m or 1h');
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * factor);
}

/** key=value, collected into a record. */
export function keyValue(
  text: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [text.slice(0, at)]: text.slice(at + 1) };
}

/** A proto Duration from milliseconds. */
export function protoDuration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/** host:port (IPv4, a name, or [IPv6]) to listen on; port 0 picks a free one. */
export function listenAddress(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text.trim());
  if (!match || Number(match[2]) > 65535)
    throw new InvalidArgumentError('must be host:port, e.g. 127.0.0.1:8088');
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}
