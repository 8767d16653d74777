import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import { ConfigPushServiceDefinition } from '@gateway/proto/configpush';
import { NodeHealthServiceDefinition } from '@gateway/proto/health';
import { RegistryServiceDefinition } from '@gateway/proto/registry';
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
  const open = (address: string) => {
    const channel = createChannel(address);
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
