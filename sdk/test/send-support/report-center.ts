import { createServer, ServerError, Status, type Server } from 'nice-grpc';
import {
  NodeHealthServiceDefinition,
  ProbeDecision,
  type NodeHealthServiceImplementation,
  type ReportSuspectRequest,
} from '@gateway/proto/health';

export const SDK_TOKEN = 'sdk-token-for-send-tests-0123456789';

export type ReceivedReport = ReportSuspectRequest & {
  readonly authorization: string | undefined;
  readonly at: number;
};

/**
 * A real gRPC server serving NodeHealthService.ReportSuspect on 127.0.0.1: it
 * checks the bearer token and records each report. The other RPCs answer
 * UNIMPLEMENTED: the send client never calls them.
 */
export type ReportCenter = {
  readonly address: string;
  readonly reports: readonly ReceivedReport[];
  close(): Promise<void>;
};

export async function startReportCenter(): Promise<ReportCenter> {
  const reports: ReceivedReport[] = [];
  const unimplemented = (): Promise<never> =>
    Promise.reject(new ServerError(Status.UNIMPLEMENTED, 'not served by this test center'));
  const implementation: NodeHealthServiceImplementation = {
    addNode: unimplemented,
    updateNode: unimplemented,
    removeNode: unimplemented,
    listNodes: unimplemented,
    getNode: unimplemented,
    probeNow: unimplemented,
    listRecentAlerts: unimplemented,
    // eslint-disable-next-line require-yield
    async *watchNodes() {
      await Promise.reject(new ServerError(Status.UNIMPLEMENTED, 'not served by this test center'));
    },
    reportSuspect(request, context) {
      const authorization = context.metadata.get('authorization');
      if (authorization !== `Bearer ${SDK_TOKEN}`)
        throw new ServerError(Status.UNAUTHENTICATED, 'bad token');
      reports.push({ ...request, authorization, at: performance.now() });
      return Promise.resolve({
        decision:
          reports.length === 1
            ? ProbeDecision.PROBE_DECISION_STARTED
            : ProbeDecision.PROBE_DECISION_JOINED,
      });
    },
  };
  const server: Server = createServer();
  server.add(NodeHealthServiceDefinition, implementation);
  const port = await server.listen('127.0.0.1:0');
  return {
    address: `127.0.0.1:${port}`,
    reports,
    close: () => server.shutdown(),
  };
}
