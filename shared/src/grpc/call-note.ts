import { ServerError, Status, type CallContext } from 'nice-grpc';
import type { TokenIdentity } from '../auth/token-identity.js';

const CALL_NOTE = Symbol('gateway.callNote');

/**
 * What the middleware learns about one call and hands on to the handler and the audit
 * log: who called (set by the auth middleware) and what the call acted on (set by the
 * handler once it has validated the request: an instance id, a node ip).
 */
export type CallNote = { identity?: TokenIdentity; target?: string };

/** The note of a call, making one (and a context carrying it) when there is none yet. */
export function withCallNote(context: CallContext): { context: CallContext; note: CallNote } {
  const existing = callNoteOf(context);
  if (existing) return { context, note: existing };
  const note: CallNote = {};
  return { context: { ...context, [CALL_NOTE]: note } as CallContext, note };
}

export function callNoteOf(context: CallContext): CallNote | undefined {
  return (context as CallContext & { [CALL_NOTE]?: CallNote })[CALL_NOTE];
}

/**
 * Who is calling. Every RPC behind the auth middleware has one (the anonymous admin when
 * authentication is disabled); a handler reached without it is a wiring mistake.
 */
export function callerIdentity(context: CallContext): TokenIdentity {
  const identity = callNoteOf(context)?.identity;
  if (!identity) throw new ServerError(Status.INTERNAL, 'internal error: caller unknown');
  return identity;
}

/** Records what the call acts on, for the audit log. */
export function noteTarget(context: CallContext, target: string): void {
  const note = callNoteOf(context);
  if (note) note.target = target;
}
