import type { StackDescription } from '../stack-description.js';

/** The text a user reads once the stack is up: addresses, tokens, a grpcurl and a curl line. */
export function summaryText(stack: StackDescription): string {
  const registry = stack.services.find((service) => service.name === 'registry');
  const tls = stack.clientTls;
  const transportFlags = tls
    ? [
        `-cacert ${tls.caFile}`,
        ...(tls.certFile ? [`-cert ${tls.certFile}`] : []),
        ...(tls.keyFile ? [`-key ${tls.keyFile}`] : []),
      ].join(' ')
    : '-plaintext';
  const lines = [
    '',
    'local stack is up',
    `  redis        ${stack.redisUrl}`,
    ...stack.services.map(
      (service) =>
        `  ${service.name.padEnd(12)} ${service.address.padEnd(17)} ${service.grpcService}`,
    ),
    'metrics (Prometheus /metrics, /healthz, /readyz):',
    ...stack.services.map(
      (service) => `  ${service.name.padEnd(12)} http://${service.metricsAddress}/metrics`,
    ),
    `  console      ${stack.console}   the live status page (gatewayctl console)`,
    ...stack.nodes.map(
      (node) => `  nginx node   ${node.url}   ssh ${node.ssh}, rendered file ${node.renderedFile}`,
    ),
    ...stack.cores.map(
      (core) => `  ${core.id.padEnd(12)} ${core.url}   registered in group default`,
    ),
    ...(stack.nodes.length === 0
      ? [
          '  (no Nginx nodes or cores: the local data plane needs root; LOCAL_STACK_NODES=0 skips it)',
        ]
      : []),
    `tokens (also in ${stack.tokensFile}):`,
    ...Object.entries(stack.tokens).map(([role, token]) => `  ${role.padEnd(12)} ${token}`),
    `config-push's SSH key: ${stack.sshPublicKeyFile}`,
    'try:',
    `  grpcurl ${transportFlags} -H 'authorization: Bearer ${stack.tokens.admin}' -d '{}' \\`,
    `    ${registry?.address ?? '127.0.0.1:50051'} gateway.registry.v1.RegistryService/ListInstances`,
    ...(stack.nodes[0] ? [`  curl ${stack.nodes[0].url}   (a core answers, through nginx)`] : []),
    'Ctrl-C stops everything (the cores deregister first).',
    '',
  ];
  return lines.join('\n');
}
