/** Why a push to a node failed, in terms an operator can act on. */
export type PushErrorKind =
  | 'host_key'
  | 'auth'
  | 'connect'
  | 'timeout'
  | 'stale'
  | 'config_test'
  | 'reload'
  | 'remote'
  | 'too_large'
  | 'content_refused'
  | 'not_leader';

export class PushError extends Error {
  override readonly name = 'PushError';
  constructor(
    readonly kind: PushErrorKind,
    message: string,
  ) {
    super(message);
  }
}
