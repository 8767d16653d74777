import { Command } from 'commander';
import { registerConsole } from './commands/console.js';
import { registerDeploy } from './commands/deploy.js';
import { registerInstances } from './commands/instances.js';
import { registerNodes } from './commands/nodes.js';
import { registerPush } from './commands/push.js';
import { registerRender } from './commands/render.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';

const EPILOG = `
Services: --registry/--health/--config-push, else GATEWAY_REGISTRY, GATEWAY_HEALTH,
GATEWAY_CONFIG_PUSH, else the context file (--context, GATEWAY_CONTEXT, .local-stack/
context.json here or above, ~/.config/gateway/context.json), else 127.0.0.1:50051/2/3.
Token: --token, GATEWAY_TOKEN, the context file's token or tokenFile.
TLS: --tls-ca/--tls-cert/--tls-key, else GATEWAY_TLS_CA_FILE, GATEWAY_TLS_CERT_FILE,
GATEWAY_TLS_KEY_FILE, else the context file's tlsCaFile/tlsCertFile/tlsKeyFile; none: plaintext.
Exit status: 0 ok, 1 failed, 2 usage, 3 unreachable or unauthenticated.`;

/** The whole command tree. Errors of commander itself (unknown flag, missing value) are exit 2. */
export function buildProgram(): Command {
  const program = new Command('gatewayctl')
    .description("the gateway control plane's operator command line")
    .version('0.1.0')
    .option('--registry <host:port>', 'registry service address')
    .option('--health <host:port>', 'health service address')
    .option('--config-push <host:port>', 'config-push service address')
    .option('--token <token>', 'bearer token (admin role)')
    .option('--tls-ca <file>', 'TLS: CA certificate that signed the services (PEM)')
    .option('--tls-cert <file>', 'TLS: client certificate, for services requiring one (mTLS)')
    .option('--tls-key <file>', "TLS: the client certificate's private key")
    .option('--context <file>', 'context file naming the services and the token')
    .option('--timeout <duration>', 'bound on each call (e.g. 10s)', '10s')
    .addHelpText('after', EPILOG)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text: string) => process.stdout.write(text),
      writeErr: (text: string) => process.stderr.write(text),
    });
  registerStatus(program);
  registerInstances(program);
  registerNodes(program);
  registerRender(program);
  registerPush(program);
  registerWatch(program);
  registerDeploy(program);
  registerConsole(program);
  return program;
}
