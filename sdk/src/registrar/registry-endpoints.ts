import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { channelCredentials, type ClientTlsFiles } from '@gateway/shared/tls-client';

export type RegistryClient = Client<typeof RegistryServiceDefinition>;

/**
 * One channel per registry replica, used one at a time: `current()` until a call
 * fails for a reason another replica may not share, then `rotate()`.
 */
export type RegistryEndpoints = {
  current(): { address: string; client: RegistryClient };
  rotate(): void;
  close(): void;
};

export function RegistryEndpoints(
  addresses: readonly string[],
  token: string,
  tls?: ClientTlsFiles,
): RegistryEndpoints {
  if (addresses.length === 0) throw new Error('Registrar: at least one registry address is needed');
  const credentials = channelCredentials(tls);
  const metadata = Metadata({ authorization: `Bearer ${token}` });
  const channels: Channel[] = [];
  const clients = addresses.map((address) => {
    const channel = createChannel(address, credentials);
    channels.push(channel);
    return createClient(RegistryServiceDefinition, channel, { '*': { metadata } });
  });
  let index = 0;
  return {
    current: () => ({ address: addresses[index], client: clients[index] }),
    rotate: () => {
      index = (index + 1) % addresses.length;
    },
    close: () => channels.forEach((channel) => channel.close()),
  };
}
