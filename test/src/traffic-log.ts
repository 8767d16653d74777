import type { ClientTlsFiles } from '@gateway/shared';
import { existsSync, readFileSync } from 'node:fs';

export type TrafficClientConfig = {
  readonly vipUrl: string;
  readonly logPath: string;
  readonly intervalMs: number;
  /** Health-service replicas (host:port) for suspect reports; none: no reports. */
  readonly centers: readonly string[];
  readonly token: string;
  readonly reporter: string;
  /** TLS to the health replicas (CA, client certificate + key); absent: plaintext. */
  readonly tls?: ClientTlsFiles;
};

export type TrafficMode = 'sdk' | 'plain';

export type RequestEvent = {
  readonly type: 'request';
  readonly mode: TrafficMode;
  readonly seq: number;
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
  readonly status: number;
  readonly attempts: number;
  readonly body: string;
  readonly error?: string;
};

export type TrafficEvent =
  | RequestEvent
  | {
      readonly type: 'attempt-failure';
      readonly mode: TrafficMode;
      readonly at: number;
      readonly kind: string;
      readonly consecutive: number;
    }
  | {
      readonly type: 'report';
      readonly mode: TrafficMode;
      readonly at: number;
      readonly outcome: unknown;
    }
  | { readonly type: 'started'; readonly mode: TrafficMode; readonly at: number };

/** Every event the traffic client wrote so far. */
export function readTrafficLog(path: string): TrafficEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as TrafficEvent];
      } catch {
        return []; // a line being written right now
      }
    });
}

export type WindowFigures = {
  readonly requests: number;
  readonly failed: number;
  readonly retried: number;
  /** Longest time (ms) in the window between two successful answers. */
  readonly longestGapMs: number;
};

/** What one mode's requests that STARTED in [from, to) saw. */
export function figuresBetween(
  events: readonly TrafficEvent[],
  mode: TrafficMode,
  from: number,
  to: number,
): WindowFigures {
  const requests = events.filter(
    (e): e is RequestEvent =>
      e.type === 'request' && e.mode === mode && e.start >= from && e.start < to,
  );
  const successEnds = requests
    .filter((r) => r.ok)
    .map((r) => r.end)
    .sort((a, b) => a - b);
  let longestGapMs = 0;
  for (let i = 1; i < successEnds.length; i++)
    longestGapMs = Math.max(longestGapMs, successEnds[i] - successEnds[i - 1]);
  return {
    requests: requests.length,
    failed: requests.filter((r) => !r.ok).length,
    retried: requests.filter((r) => r.attempts > 1).length,
    longestGapMs,
  };
}

/** Successful requests of `mode` that ended after `after`. */
export function successesAfter(
  events: readonly TrafficEvent[],
  mode: TrafficMode,
  after: number,
): RequestEvent[] {
  return events.filter(
    (e): e is RequestEvent => e.type === 'request' && e.mode === mode && e.ok && e.end > after,
  );
}
