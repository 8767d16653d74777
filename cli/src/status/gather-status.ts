import { unary } from '../connection/call.js';
import type { Clients } from '../connection/clients.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { listAllInstances } from './list-all-instances.js';
import { buildStatus, STATUS_ALERTS, type StatusInputs, type StatusModel } from './status-model.js';

/**
 * Asks the three services at once; one that does not answer leaves its section empty
 * and its error listed, the others still show. The exit status is the worst one seen.
 */
export async function gatherStatus(
  clients: Clients,
): Promise<{ model: StatusModel; exitCode: ExitCode }> {
  const timeout = clients.endpoints.timeoutMs;
  const inputs: StatusInputs = { errors: [] };
  let exitCode: ExitCode = ExitCode.OK;
  const record = (service: string, error: unknown) => {
    const cliError =
      error instanceof CliError ? error : new CliError(ExitCode.FAILED, String(error));
    inputs.errors.push({ service, message: cliError.message });
    exitCode = Math.max(exitCode, cliError.exitCode) as ExitCode;
  };
  await Promise.all([
    unary('health', timeout, (options) => clients.health().listNodes({}, options)).then(
      (response) => void (inputs.nodes = response.nodes),
      (error: unknown) => record('health', error),
    ),
    unary('config-push', timeout, (options) =>
      clients.configPush().getPushStatus({}, options),
    ).then(
      (response) => void (inputs.push = response),
      (error: unknown) => record('config-push', error),
    ),
    unary('health', timeout, (options) =>
      clients.health().listRecentAlerts({ pageSize: STATUS_ALERTS, pageToken: '' }, options),
    ).then(
      (response) => void (inputs.alerts = [...(inputs.alerts ?? []), response.alerts]),
      (error: unknown) => record('health', error),
    ),
    unary('config-push', timeout, (options) =>
      clients.configPush().listRecentAlerts({ pageSize: STATUS_ALERTS, pageToken: '' }, options),
    ).then(
      (response) => void (inputs.alerts = [...(inputs.alerts ?? []), response.alerts]),
      (error: unknown) => record('config-push', error),
    ),
    listAllInstances(clients).then(
      (response) => void (inputs.instances = response),
      (error: unknown) => record('registry', error),
    ),
  ]);
  return { model: buildStatus(inputs), exitCode };
}
