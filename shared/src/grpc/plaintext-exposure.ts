import { isIP } from 'node:net';
import { parseHostPort } from '../config/env-types.js';

/** True when `listen` (host:port) is reachable from other machines: any host but loopback. */
export function listensBeyondLoopback(listen: string): boolean {
  const host = parseHostPort(listen)?.host ?? listen;
  if (host === 'localhost') return false;
  if (isIP(host) === 4) return !host.startsWith('127.');
  if (isIP(host) === 6) return host !== '::1';
  return true;
}
