/**
 * A request field that is missing or malformed. The gRPC error middleware turns it
 * into INVALID_ARGUMENT with the message `<field>: <description>`.
 */
export class FieldViolation extends Error {
  override readonly name = 'FieldViolation';

  constructor(
    readonly field: string,
    readonly description: string,
  ) {
    super(`${field}: ${description}`);
  }
}
