import { join } from 'node:path';
import type { ClientTlsFiles } from '@gateway/shared';
import {
  freePort,
  isRunning,
  startProcess,
  waitFor,
  type ManagedProcess,
  REPO_ROOT,
} from '@gateway/testkit';

const ENTRY = join(REPO_ROOT, 'examples', 'gateway-core', 'dist', 'src', 'main.js');

/** A running example gateway-core (examples/gateway-core), registered through the SDK's registrar. */
export type GatewayCoreProcess = {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly process: ManagedProcess;
  /** How many times its registrar reported `registered` (1 + re-registrations). */
  registrations(): number;
  stop(): Promise<void>;
};

/** Starts the example core on `host` and waits until its registrar has registered it. */
export async function startGatewayCoreProcess(options: {
  id: string;
  host: string;
  registries: readonly string[];
  token: string;
  leaseSeconds: number;
  /** TLS to the registries (CA, client certificate + key); absent: plaintext. */
  tls?: ClientTlsFiles;
}): Promise<GatewayCoreProcess> {
  const port = await freePort(options.host);
  const child = startProcess(`gateway-core:${options.id}`, process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'] ?? '',
      CORE_LISTEN: `${options.host}:${port}`,
      CORE_ID: options.id,
      REGISTRY_ADDRESSES: options.registries.join(','),
      GATEWAY_CORE_TOKEN: options.token,
      CORE_LEASE_SECONDS: String(options.leaseSeconds),
      LOG_LEVEL: 'info',
      ...(options.tls?.caFile ? { GATEWAY_TLS_CA_FILE: options.tls.caFile } : {}),
      ...(options.tls?.certFile ? { GATEWAY_TLS_CERT_FILE: options.tls.certFile } : {}),
      ...(options.tls?.keyFile ? { GATEWAY_TLS_KEY_FILE: options.tls.keyFile } : {}),
    },
  });
  const registrations = () => (child.output().match(/"msg":"registrar: registered"/g) ?? []).length;
  await waitFor(
    `gateway-core ${options.id} to register`,
    () => {
      if (!isRunning(child))
        throw new Error(`gateway-core ${options.id} exited: ${child.output().slice(-2000)}`);
      return registrations() > 0;
    },
    { timeoutMs: 15_000, intervalMs: 25 },
  );
  return {
    id: options.id,
    host: options.host,
    port,
    process: child,
    registrations,
    stop: async () => {
      await child.stop('SIGTERM', 10_000);
    },
  };
}
