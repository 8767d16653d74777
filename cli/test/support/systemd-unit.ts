/** A systemd unit file: section → key → every value given (keys may repeat). */
export type SystemdUnit = Map<string, Map<string, string[]>>;

/** A small INI parse of a unit file: `[Section]`, `Key=Value`, `#`/`;` comments, no continuations. */
export function parseSystemdUnit(text: string): SystemdUnit {
  const unit: SystemdUnit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const at = line.indexOf('=');
    if (!section || at <= 0)
      throw new Error(`line ${index + 1}: not Key=Value inside a section: ${line}`);
    const key = line.slice(0, at).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(at + 1).trim()]);
  }
  return unit;
}

/** The last value of a key (systemd: a later assignment wins), or undefined. */
export function unitValue(unit: SystemdUnit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** KEY=VALUE lines of an EnvironmentFile. */
export function parseEnvironmentFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    entries.set(line.slice(0, at), line.slice(at + 1));
  }
  return entries;
}
