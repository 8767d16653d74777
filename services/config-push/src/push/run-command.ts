import type { Client as SshClient, ClientChannel } from 'ssh2';
import type { SshEndpointData } from '@gateway/shared';
import { PushError } from './push-error.js';
import { target } from './ssh-target.js';

const OUTPUT_LIMIT = 64 * 1024;

export type ExecResult = {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
};

/** Runs one command on an open connection with `stdin` (a string or chunks); the last 64 KiB of each output is kept. */
export function runCommand(
  client: SshClient,
  command: string,
  stdin: string | readonly Buffer[],
  signal: AbortSignal,
  endpoint: SshEndpointData,
  why: () => string,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const onAbort = () =>
      reject(new PushError('timeout', `command on ${target(endpoint)} ${why()}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    client.exec(command, (error: Error | undefined, stream: ClientChannel) => {
      if (error) {
        signal.removeEventListener('abort', onAbort);
        return reject(
          new PushError(
            'connect',
            `ssh to ${target(endpoint)}: cannot start the command: ${error.message}`,
          ),
        );
      }
      let stdout = '';
      let stderr = '';
      let code = -1;
      stream.on(
        'data',
        (data: Buffer) => (stdout = (stdout + data.toString('utf8')).slice(-OUTPUT_LIMIT)),
      );
      stream.stderr.on(
        'data',
        (data: Buffer) => (stderr = (stderr + data.toString('utf8')).slice(-OUTPUT_LIMIT)),
      );
      stream.on('exit', (exitCode: number | null) => (code = exitCode ?? -1));
      stream.on('close', () => {
        signal.removeEventListener('abort', onAbort);
        resolve({ code, stdout, stderr });
      });
      if (typeof stdin === 'string') stream.end(stdin);
      else {
        // The chunks already exist: the channel queues them (by reference) and sends them
        // as the window allows; no copy of the whole file is made.
        for (const chunk of stdin) stream.write(chunk);
        stream.end();
      }
    });
  });
}
