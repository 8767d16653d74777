import type { AlertDeliveryStatus } from './alerts.js';

/** The `AlertDelivery` message of the status RPCs (health's ListNodes, config-push's GetPushStatus). */
export function alertDeliveryMessage(status: AlertDeliveryStatus) {
  return {
    outboxDepth: status.outboxDepth,
    firing: status.firing,
    delivered: status.delivered,
    failedAttempts: status.failedAttempts,
    refused: status.refused,
    dropped: status.dropped,
    lastFailure: status.lastFailure,
    lastFailureTime:
      status.lastFailureTime !== undefined ? new Date(status.lastFailureTime) : undefined,
  };
}
