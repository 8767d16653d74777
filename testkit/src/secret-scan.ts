import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A secret seen in a log: where, and which one (never its value). */
export type SecretFinding = {
  readonly file: string;
  readonly line: number;
  readonly secret: string;
};

export type SecretScanResult = {
  readonly files: number;
  readonly lines: number;
  readonly findings: readonly SecretFinding[];
};

/**
 * Looks for each secret in every file under `logsDir` (recursively), line by line.
 * A finding names the file, the line number and the secret's name.
 */
export function scanLogsForSecrets(
  logsDir: string,
  secrets: ReadonlyArray<{ readonly name: string; readonly value: string }>,
): SecretScanResult {
  const findings: SecretFinding[] = [];
  let files = 0;
  let lines = 0;
  if (!existsSync(logsDir)) return { files, lines, findings };
  for (const entry of readdirSync(logsDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    files++;
    const text = readFileSync(file, 'utf8').split('\n');
    lines += text.length;
    text.forEach((line, index) => {
      for (const secret of secrets)
        if (line.includes(secret.value))
          findings.push({ file, line: index + 1, secret: secret.name });
    });
  }
  return { files, lines, findings };
}

/** The secrets tests registered at run time (registerTestSecret), from the run's `secrets/`. */
export function registeredTestSecrets(runDir: string): Array<{ name: string; value: string }> {
  const dir = join(runDir, 'secrets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const tab = line.indexOf('\t');
        return { name: line.slice(0, tab), value: line.slice(tab + 1) };
      }),
  );
}

/** One line per finding, for a failure message (names, never values). */
export function describeFindings(findings: readonly SecretFinding[], max = 20): string {
  const shown = findings
    .slice(0, max)
    .map((finding) => `  ${finding.file}:${finding.line}: ${finding.secret}`);
  if (findings.length > max) shown.push(`  … and ${findings.length - max} more`);
  return shown.join('\n');
}
