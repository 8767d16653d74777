import type { RunningService } from './center/start-services.js';
import type { RunningCore } from './data-plane/start-cores.js';
import type { StackTokens } from './state/stack-files.js';

/** A node of the local data plane, as a user reaches it. */
export type DescribedNode = {
  readonly ip: string;
  /** nginx, routing to the cores with the upstreams config-push rendered. */
  readonly url: string;
  readonly ssh: string;
  /** The rendered upstream file nginx includes. */
  readonly renderedFile: string;
};

/** What is running, for the summary printed to the user (and any tool that wants to reach it). */
export type StackDescription = {
  readonly redisUrl: string;
  readonly services: readonly RunningService[];
  /** The status console's page (gatewayctl console). */
  readonly console: string;
  readonly tokens: StackTokens;
  readonly tokensFile: string;
  readonly sshPublicKeyFile: string;
  readonly nodes: readonly DescribedNode[];
  readonly cores: readonly RunningCore[];
  /** The TLS files a client uses (LOCAL_STACK_TLS); undefined: plaintext. */
  readonly clientTls?: { caFile: string; certFile?: string; keyFile?: string } | undefined;
};
