/**
 * The trailer of a RESOURCE_EXHAUSTED answer over a per-token rate: how many milliseconds
 * to wait before the next rate-limited call (whole number). The SDK honours it.
 */
export const RETRY_AFTER_METADATA = 'retry-after-ms';
