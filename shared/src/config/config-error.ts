/** A configuration problem: the operator must fix a variable before the process can start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

/** The exit code a process uses when its configuration is invalid (sysexits EX_CONFIG). */
export const CONFIG_ERROR_EXIT_CODE = 78;
