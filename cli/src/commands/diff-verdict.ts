import type { GetPushStatusResponse, RenderConfigResponse } from '@gateway/proto/configpush';
import type { Colour } from '../output/colour.js';
import { isoTime } from '../output/time.js';
import { pushResultView, type PushResultView } from '../output/views.js';

export type DiffVerdict = {
  node: string;
  same: boolean;
  applied: { revision: number; contentHash: string; time: string | undefined } | undefined;
  rendered: { revision: number; contentHash: string; refusals: string[] };
  /** What config-push last pushed (its desired state), which may lag a fresh render by the quiescence wait. */
  desired: { revision: number; contentHash: string };
  lastPush: PushResultView | undefined;
  reason: string;
};

/** Compares what a node applied (config-push's record) with a fresh render (pure: unit-tested). */
export function diffVerdict(
  ip: string,
  status: GetPushStatusResponse,
  render: Pick<RenderConfigResponse, 'revision' | 'contentHash' | 'refusals'>,
): DiffVerdict {
  const record = status.nodes.find((entry) => entry.nodeIp === ip);
  const applied =
    record && record.appliedRevision > 0
      ? {
          revision: record.appliedRevision,
          contentHash: record.appliedContentHash,
          time: isoTime(record.appliedTime),
        }
      : undefined;
  const same = applied !== undefined && applied.contentHash === render.contentHash;
  const lastPush = record?.lastResult ? pushResultView(record.lastResult) : undefined;
  let reason: string;
  if (!applied) reason = 'config-push has no confirmed apply on this node';
  else if (same)
    reason = `the node runs the rendered content (applied at revision ${applied.revision})`;
  else if (render.refusals.length > 0)
    reason = `the render is refused: ${render.refusals.join('; ')}`;
  else if (status.desiredContentHash === render.contentHash)
    reason = 'the node has not applied the desired config yet';
  else
    reason =
      'the registry changed since the last push (config-push pushes after its quiescence wait)';
  return {
    node: ip,
    same,
    applied,
    rendered: {
      revision: render.revision,
      contentHash: render.contentHash,
      refusals: render.refusals,
    },
    desired: { revision: status.desiredRevision, contentHash: status.desiredContentHash },
    lastPush,
    reason,
  };
}

export function formatDiff(verdict: DiffVerdict, colour: Colour): string {
  const applied = verdict.applied
    ? `revision ${verdict.applied.revision} sha256 ${verdict.applied.contentHash} at ${verdict.applied.time ?? '?'}`
    : 'nothing confirmed';
  return [
    `${verdict.node}: ${verdict.same ? colour.green('same') : colour.yellow('differs')}: ${verdict.reason}`,
    `  applied   ${applied}`,
    `  rendered  revision ${verdict.rendered.revision} sha256 ${verdict.rendered.contentHash}`,
    `  desired   revision ${verdict.desired.revision} sha256 ${verdict.desired.contentHash || '-'}`,
    verdict.lastPush
      ? `  last push ${verdict.lastPush.outcome} revision ${verdict.lastPush.revision}${verdict.lastPush.error ? `: ${verdict.lastPush.error}` : ''}`
      : '  last push -',
  ].join('\n');
}
