import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_DIR } from './repo-paths.js';

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
/** A value may be an address, a path, an interface or a secret: never something that changes the file's structure. */
const SAFE_VALUE = /^[A-Za-z0-9._:/@+=,-]+$/;

/**
 * Renders a shipped deploy/ template: every `{{NAME}}` replaced by `values.NAME`.
 * Fails on a placeholder without a value, on a value no placeholder uses, and on a
 * value that could change the structure of the file (spaces, quotes, braces, `;`,
 * new lines): the templates are parameterised by addresses and paths only.
 */
export function renderDeployTemplate(
  relativePath: string,
  values: Readonly<Record<string, string>>,
): string {
  const text = readFileSync(join(DEPLOY_DIR, relativePath), 'utf8');
  const used = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${relativePath}: no value for {{${name}}}`);
    if (!SAFE_VALUE.test(value))
      throw new Error(
        `${relativePath}: value of {{${name}}} is not a plain address or path: ${JSON.stringify(value)}`,
      );
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0)
    throw new Error(
      `${relativePath}: values for placeholders it does not have: ${unused.join(', ')}`,
    );
  return rendered;
}
