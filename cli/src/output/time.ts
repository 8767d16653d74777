/** A proto Timestamp as ts-proto decodes it (Date) or undefined. */
export function isoTime(date: Date | undefined): string | undefined {
  return date && date.getTime() > 0 ? date.toISOString() : undefined;
}

/** "3s", "4m", "2h", "5d" ago, relative to `now`. */
export function ago(date: Date | undefined, now: number = Date.now()): string {
  if (!date || date.getTime() <= 0) return '-';
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/** A proto Duration ({seconds, nanos}) in milliseconds. */
export function durationMs(
  duration: { seconds: number; nanos: number } | undefined,
): number | undefined {
  return duration ? duration.seconds * 1000 + Math.round(duration.nanos / 1e6) : undefined;
}
