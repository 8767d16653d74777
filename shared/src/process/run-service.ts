import type { Logger } from 'pino';
import { tokenTableFromConfig, type TokenTable } from '../auth/token-table.js';
import type { CommonConfig } from '../config/common-config.js';
import { CONFIG_ERROR_EXIT_CODE, ConfigError } from '../config/config-error.js';
import type { Environment } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { checkedGrpcTransport } from '../tls/check-server-tls.js';

export type RunningService = {
  /** Drain and stop: end streams, finish calls in flight, stop loops, close Redis. */
  stop(): Promise<void>;
};

export type ServiceContext<Config> = {
  readonly config: Config;
  readonly logger: Logger;
  readonly tokens: TokenTable | undefined;
};

/**
 * The process entry of every service: load and validate the configuration (a bad
 * value exits 78 naming the variable), start, and on SIGTERM or SIGINT drain
 * gracefully within SHUTDOWN_TIMEOUT. A second signal exits at once.
 */
export async function runService<Config extends CommonConfig>(options: {
  name: string;
  loadConfig: (env: Environment) => Config;
  start: (context: ServiceContext<Config>) => Promise<RunningService>;
}): Promise<void> {
  let config: Config;
  let tokens: TokenTable | undefined;
  try {
    config = options.loadConfig(process.env);
    tokens = tokenTableFromConfig(config);
    checkedGrpcTransport(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.name}: invalid configuration: ${error.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    throw error;
  }
  const logger = createLogger(options.name, config.LOG_LEVEL);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
  if (!tokens)
    logger.warn(
      'authentication is DISABLED (GATEWAY_AUTH=disabled): use only for local development',
    );

  let running: RunningService;
  try {
    running = await options.start({ config, logger, tokens });
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'draining');
    const hardStop = setTimeout(() => {
      logger.error('drain took too long: exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT + 2_000);
    hardStop.unref();
    running.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
