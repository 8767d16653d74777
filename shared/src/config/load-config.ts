import { z } from 'zod';
import { ConfigError } from './config-error.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment with a zod object schema whose keys are variable names,
 * and returns a deeply frozen result. Empty strings count as unset, so an operator
 * can blank a variable to get its default. The first problem is reported naming
 * the variable and why.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Environment,
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message);
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
