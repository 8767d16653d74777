import { readFileSync } from 'node:fs';
import { deployPath } from './deploy-dir.js';

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
/** A value may be an address, a path, an interface or a secret: never something that changes the file's structure. */
export const SAFE_VALUE = /^[A-Za-z0-9._:/@+=,-]+$/;

/** A template that cannot be filled with the values given: names the file and the placeholder. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Fills a template's `{{NAME}}` placeholders with `values.NAME`. Fails on a
 * placeholder without a value, on a value no placeholder uses, and on a value that
 * could change the structure of the file (spaces, quotes, braces, `;`, new lines):
 * the templates are parameterised by addresses and paths only.
 */
export function fillTemplate(
  label: string,
  text: string,
  values: Readonly<Record<string, string>>,
): string {
  const used = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TemplateError(`${label}: no value for {{${name}}}`);
    if (!SAFE_VALUE.test(value))
      throw new TemplateError(
        `${label}: value of {{${name}}} is not a plain address or path: ${JSON.stringify(value)}`,
      );
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0)
    throw new TemplateError(
      `${label}: values for placeholders it does not have: ${unused.join(', ')}`,
    );
  return rendered;
}

/** Renders a shipped deploy/ template (path relative to the deploy directory). */
export function renderDeployTemplate(
  relativePath: string,
  values: Readonly<Record<string, string>>,
  templatesDir?: string,
): string {
  return fillTemplate(
    relativePath,
    readFileSync(deployPath(relativePath, templatesDir), 'utf8'),
    values,
  );
}
