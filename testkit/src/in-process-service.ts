import { createChannel, type Channel } from 'nice-grpc';
import {
  channelCredentials,
  type ClientTlsFiles,
  tokenTableFromConfig,
  type CommonConfig,
  type Logger,
  type TokenTable,
} from '@gateway/shared';
import { testLogger } from './test-logger.js';
import { TEST_TOKENS_ENV } from './tokens.js';

/** A service running in the test's own process, and a channel to it. */
export type InProcessService<Running> = {
  readonly address: string;
  readonly running: Running;
  readonly channel: Channel;
  /** Closes the channel, then stops the service. */
  readonly close: () => Promise<void>;
};

/**
 * Starts a service in this process as its main.ts would: its configuration from `env`
 * (on 127.0.0.1, a free port, the test tokens, no metrics endpoint unless `env` sets
 * METRICS_LISTEN), a logger at TEST_LOG_LEVEL (default info) into the run's log directory
 * (see testLogger), its token table. Opens a channel to it.
 */
export async function startInProcessService<
  Config extends CommonConfig,
  Running extends { readonly port: number; stop(): Promise<void> },
>(
  service: {
    readonly name: string;
    load(env: Record<string, string>): Config;
    start(config: Config, logger: Logger, tokens: TokenTable | undefined): Promise<Running>;
  },
  env: Record<string, string>,
  logger: Logger = testLogger(`${service.name}-test`),
  /** How the returned channel reaches a service started with GRPC_TLS_* (default plaintext). */
  clientTls?: ClientTlsFiles,
): Promise<InProcessService<Running>> {
  const config = service.load({
    GRPC_LISTEN: '127.0.0.1:0',
    METRICS_LISTEN: 'off',
    GATEWAY_TOKENS: TEST_TOKENS_ENV,
    ...env,
  });
  const running = await service.start(config, logger, tokenTableFromConfig(config));
  const address = `127.0.0.1:${running.port}`;
  const channel = createChannel(address, channelCredentials(clientTls));
  return {
    address,
    running,
    channel,
    async close() {
      channel.close();
      await running.stop();
    },
  };
}
