import { Gauge, type Registry } from 'prom-client';

/**
 * Gauges set at scrape time from one shared read (see cachedRead): each collect awaits
 * the read, clears the gauge and lets `set` fill it; a failed or late read leaves the
 * gauge empty for that scrape (the failure is counted by the read's onError).
 */
export function readBackedGauges<T>(
  read: () => Promise<T | undefined>,
  registers: Registry[],
): (
  name: string,
  help: string,
  set: (gauge: Gauge<string>, figures: T) => void,
  labelNames?: string[],
) => Gauge<string> {
  return (name, help, set, labelNames = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const figures = await read();
        this.reset();
        if (figures !== undefined) set(this, figures);
      },
    });
}
