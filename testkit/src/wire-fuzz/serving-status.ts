import { createChannel, createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';

/** The grpc.health.v1 status name of `service` ('' the server as a whole) at `address`. */
export async function servingStatus(address: string, service = ''): Promise<string> {
  const channel = createChannel(address);
  try {
    const response = await createClient(HealthDefinition, channel).check(
      { service },
      { signal: AbortSignal.timeout(10_000) },
    );
    return (
      ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][Number(response.status)] ?? 'UNKNOWN'
    );
  } finally {
    channel.close();
  }
}
