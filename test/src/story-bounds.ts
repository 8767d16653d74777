import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_PUSH_TEST_TIMINGS, DEPLOY_DIR } from '@gateway/testkit';
import { STORY_HEALTH_TIMINGS } from './control-plane.js';

/** A number setting of a shipped keepalived config (`name value` on its own line). */
function keepalivedSetting(file: string, name: string): number {
  const text = readFileSync(join(DEPLOY_DIR, 'keepalived', file), 'utf8');
  const match = new RegExp(`^\\s*${name}\\s+(\\d+(?:\\.\\d+)?)\\s*$`, 'm').exec(text);
  if (!match) throw new Error(`deploy/keepalived/${file} has no ${name}`);
  return Number(match[1]) * (['advert_int', 'interval', 'timeout'].includes(name) ? 1000 : 1);
}

function durationSetting(text: string | undefined): number {
  const match = /^(\d+)(ms|s)$/.exec(text ?? '');
  if (!match) throw new Error(`not a test timing: ${text}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/** Slack for a shared 2-core machine: the bounds stay deterministic, and still fail a design that drifts. */
const MARGIN_MS = 5_000;

const advertMs = keepalivedSetting('keepalived-backup.conf', 'advert_int');
const checkIntervalMs = keepalivedSetting('keepalived-master.conf', 'interval');
const checkTimeoutMs = keepalivedSetting('keepalived-master.conf', 'timeout');
const fall = keepalivedSetting('keepalived-master.conf', 'fall');
const rise = keepalivedSetting('keepalived-master.conf', 'rise');
const backupPriority = keepalivedSetting('keepalived-backup.conf', 'priority');
/** VRRP's skew time: a backup of priority p waits (256 - p) / 256 advert intervals more. */
const skewMs = ((256 - backupPriority) / 256) * advertMs;
/** The master-down timer: how long a backup waits without adverts before it takes over. */
const masterDownMs = 3 * advertMs + skewMs;

const waitMaxMs = durationSetting(CONFIG_PUSH_TEST_TIMINGS['CONFIG_PUSH_WAIT_MAX']);
const nodeTimeoutMs = durationSetting(CONFIG_PUSH_TEST_TIMINGS['CONFIG_PUSH_NODE_TIMEOUT']);
/** One push to a node that answers: SSH session, apply script, nginx -t, reload (well under the node timeout). */
const pushMs = nodeTimeoutMs / 4;
const health = STORY_HEALTH_TIMINGS;

/**
 * Upper bounds of the story's key figures, from the shipped keepalived configs and the
 * timings the story's services run with (not a flat "wait 20 s").
 */
export const STORY_BOUNDS = {
  /** The check fails `fall` times (each up to its timeout); the master goes FAULT; the backup takes over within the master-down timer. */
  vipTakeoverMs: fall * (checkIntervalMs + checkTimeoutMs) + masterDownMs + MARGIN_MS,
  /**
   * The SDK counts three refused connections (milliseconds), reports at once; the
   * health service probes (at most the probe timeout, after at most one coalescing
   * window) and writes DOWN.
   */
  nginxDeathToDownMs: health.coalesceWindowMs + health.probeTimeoutMs + MARGIN_MS,
  /** A registration rendered after the quiescence maximum and pushed to both nodes. */
  registrationToNodesMs: waitMaxMs + pushMs + MARGIN_MS,
  /** The next poll (at most one interval) probes the restarted node UP. */
  recoveryToUpMs: health.pollIntervalMs + health.probeTimeoutMs + MARGIN_MS,
  /** UP, then config-push hears of it and pushes the latest revision. */
  recoveryToLatestRevisionMs: health.pollIntervalMs + health.probeTimeoutMs + pushMs + MARGIN_MS,
  /** The master's check passes `rise` times; it preempts with its higher priority at the next advert. */
  recoveryToVipBackMs: rise * (checkIntervalMs + checkTimeoutMs) + masterDownMs + MARGIN_MS,
} as const;
