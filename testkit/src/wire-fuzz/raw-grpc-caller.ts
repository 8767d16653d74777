import {
  credentials,
  Client,
  Metadata,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';

/** What one raw call ended with, as the client saw it. */
export type RawCallOutcome = {
  /** The gRPC status code (0 OK), or STREAM_OPEN for a server stream that sent a first message. */
  readonly code: number | 'STREAM_OPEN';
  readonly details: string;
};

export type RawGrpcCaller = {
  /** Sends `bytes` as the request message of `path` (`/pkg.Service/Method`) unchanged. */
  call(
    path: string,
    bytes: Buffer,
    options: { token: string | undefined; stream: boolean; timeoutMs: number },
  ): Promise<RawCallOutcome>;
  close(): void;
};

const identity = (buffer: Buffer) => buffer;

/**
 * A gRPC client that sends raw bytes as a request message (identity serializers), so
 * malformed protobuf reaches the server's decoder as it is. A server stream is cancelled
 * as soon as its first message arrives (the request was accepted); a stream that sends
 * nothing ends at its deadline.
 */
export function RawGrpcCaller(address: string): RawGrpcCaller {
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
  return {
    call(path, bytes, { token, stream, timeoutMs }) {
      const metadata = new Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      const deadline = Date.now() + timeoutMs;
      return new Promise<RawCallOutcome>((resolve) => {
        if (!stream) {
          client.makeUnaryRequest(
            path,
            identity,
            identity,
            bytes,
            metadata,
            { deadline },
            (error: ServiceError | null) =>
              resolve(
                error
                  ? { code: error.code, details: error.details }
                  : { code: GrpcStatus.OK, details: '' },
              ),
          );
          return;
        }
        const call = client.makeServerStreamRequest(path, identity, identity, bytes, metadata, {
          deadline,
        });
        let opened = false;
        call.on('data', () => {
          if (opened) return;
          opened = true;
          resolve({ code: 'STREAM_OPEN', details: '' });
          call.cancel();
        });
        call.on('error', () => undefined);
        call.on('status', (status: { code: number; details: string }) => {
          if (!opened) resolve({ code: status.code, details: status.details });
        });
      });
    },
    close: () => client.close(),
  };
}
