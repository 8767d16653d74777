import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
import { channelCredentials, ClientTlsError } from '@gateway/shared/tls-client';
import { usageError } from '../exit-codes.js';
import type { Endpoints } from './endpoints.js';

export type RegistryClient = Client<typeof RegistryServiceDefinition>;
export type HealthClient = Client<typeof NodeHealthServiceDefinition>;
export type ConfigPushClient = Client<typeof ConfigPushServiceDefinition>;

/** The three services' clients, on channels opened on first use and closed by close(). */
export type Clients = {
  readonly endpoints: Endpoints;
  registry(): RegistryClient;
  health(): HealthClient;
  configPush(): ConfigPushClient;
  close(): void;
};

export function Clients(endpoints: Endpoints): Clients {
  const channels: Channel[] = [];
  const options = endpoints.token
    ? { '*': { metadata: Metadata({ authorization: `Bearer ${endpoints.token}` }) } }
    : {};
  let credentials: ReturnType<typeof channelCredentials> | undefined;
  const open = (address: string) => {
    credentials ??= credentialsFor(endpoints);
    const channel = createChannel(address, credentials);
    channels.push(channel);
    return channel;
  };
  let registry: RegistryClient | undefined;
  let health: HealthClient | undefined;
  let configPush: ConfigPushClient | undefined;
  return {
    endpoints,
    registry: () =>
      (registry ??= createClient(RegistryServiceDefinition, open(endpoints.registry), options)),
    health: () =>
      (health ??= createClient(NodeHealthServiceDefinition, open(endpoints.health), options)),
    configPush: () =>
      (configPush ??= createClient(
        ConfigPushServiceDefinition,
        open(endpoints.configPush),
        options,
      )),
    close() {
      for (const channel of channels.splice(0)) channel.close();
    },
  };
}

function credentialsFor(endpoints: Endpoints): ReturnType<typeof channelCredentials> {
  try {
    return channelCredentials(endpoints.tls);
  } catch (error) {
    if (error instanceof ClientTlsError) throw usageError(error.message);
    throw error;
  }
}
