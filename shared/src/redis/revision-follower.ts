/** What a watcher does with a change message. */
export type ChangeStep =
  /** The next revision: pass it on (the follower is now at it). */
  | 'apply'
  /** A revision already seen (or covered by a snapshot): drop it. */
  | 'ignore'
  /** A gap (a message was lost): send a fresh snapshot. */
  | 'resync';

/**
 * Follows one revision counter through a channel feed's messages and polls, and says
 * when a watcher must resynchronize: a change message that skips a revision, or a poll
 * that finds the counter still ahead of where an earlier poll saw it (a message was
 * lost; one poll ahead alone may just be a message on its way).
 */
export type RevisionFollower = {
  readonly revision: number;
  /** A snapshot at `revision` was sent: follow from there. */
  resetTo(revision: number): void;
  /** A change message produced `revision`. */
  change(revision: number): ChangeStep;
  /** The poll read `revision`: true when the watcher must resynchronize. */
  polled(revision: number): boolean;
};

export function RevisionFollower(): RevisionFollower {
  let revision = 0;
  let behindAt: number | undefined;
  return {
    get revision() {
      return revision;
    },
    resetTo(at) {
      revision = at;
      behindAt = undefined;
    },
    change(at) {
      if (at <= revision) return 'ignore';
      if (at !== revision + 1) return 'resync';
      revision = at;
      return 'apply';
    },
    polled(at) {
      if (at <= revision) {
        behindAt = undefined;
        return false;
      }
      if (behindAt !== undefined && revision < behindAt) return true;
      behindAt = at;
      return false;
    },
  };
}
