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
/** Well under nghttp2's burst of 1,000 stream resets per connection. */
const STREAMS_PER_CONNECTION = 400;

/**
 * A gRPC client that sends raw bytes as a request message (identity serializers), so
 * malformed protobuf reaches the server's decoder as it is. A server stream is cancelled
 * as soon as its first message arrives (the request was accepted); a stream that sends
 * nothing ends at its deadline.
 */
export function RawGrpcCaller(address: string): RawGrpcCaller {
  const connect = () =>
    new Client(address, credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
      // A channel of its own, never one shared with an earlier client of the same address.
      'grpc.use_local_subchannel_pool': 1,
    });
  let client = connect();
  const clients = [client];
  let streams = 0;
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
        // Every stream ends with a reset (cancelled after its first message, or at its deadline):
        // the server's HTTP/2 layer closes a connection that resets streams faster than its rate
        // limit (nghttp2, the rapid-reset defence), so streams move to a new connection often.
        streams += 1;
        if (streams % STREAMS_PER_CONNECTION === 0) {
          client = connect();
          clients.push(client);
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
    close: () => {
      for (const each of clients) each.close();
    },
  };
}
