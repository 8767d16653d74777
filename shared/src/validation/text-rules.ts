import { FieldViolation } from './field-violation.js';

/** Fails when `text` is longer than `max` characters (measured before any other check). */
export function requireMaxLength(field: string, text: string, max: number): void {
  if (text.length > max)
    throw new FieldViolation(field, `must be at most ${max} characters (got ${text.length})`);
}

/** Fails when `text` is empty. */
export function requireNonEmpty(field: string, text: string): void {
  if (text === '') throw new FieldViolation(field, 'is required');
}

/** Fails unless `value` is an integer within [min, max]. */
export function requireIntegerInRange(
  field: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FieldViolation(field, `must be an integer between ${min} and ${max} (got ${value})`);
  }
}

/** Fails unless `value` is one of the enum's known numbers. */
export function requireKnownEnum(field: string, value: number, known: readonly number[]): void {
  if (!known.includes(value)) throw new FieldViolation(field, `unknown enum value ${value}`);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Fails when `text` holds control characters (new lines, NUL, escape, ...). */
export function requirePrintable(field: string, text: string): void {
  if (CONTROL_CHARACTERS.test(text))
    throw new FieldViolation(field, 'must not contain control characters');
}
