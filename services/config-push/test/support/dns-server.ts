import { createSocket, type Socket } from 'node:dgram';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@gateway/testkit';

/**
 * A DNS server on a loopback address that this test controls: it answers A queries for
 * the names in `records` and NXDOMAIN for every other name. With `nginxBinary`, a node's
 * nginx (master, `nginx -t`, reloads) runs in its own mount namespace whose
 * /etc/resolv.conf names this server and nothing else, so a name can start resolving
 * for the node's nginx without touching the machine's /etc/hosts or resolver.
 */
export type TestDns = {
  readonly address: string;
  /** Name (lower case, no trailing dot) → IPv4 address. */
  readonly records: Map<string, string>;
  /** Queries answered so far. */
  readonly queries: () => number;
  /** An executable that runs /usr/sbin/nginx with this server as its only resolver. */
  readonly nginxBinary: string;
  close(): Promise<void>;
};

export async function startTestDns(address: string): Promise<TestDns> {
  const records = new Map<string, string>();
  let queries = 0;
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const answer = answerFor(query, records);
    if (!answer) return;
    queries += 1;
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(53, address, () => resolve());
  });
  const dir = tempDir('test-dns');
  chmodSync(dir, 0o755);
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, `nameserver ${address}\noptions timeout:1 attempts:2\n`, {
    mode: 0o644,
  });
  const nginxBinary = join(dir, 'nginx-with-test-dns');
  writeFileSync(
    nginxBinary,
    [
      '#!/bin/sh',
      '# nginx in a mount namespace of its own whose /etc/resolv.conf names the test DNS server.',
      `exec unshare --mount --propagation private /bin/sh -c 'mount --bind "$0" /etc/resolv.conf && exec /usr/sbin/nginx "$@"' '${resolvConf}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    address,
    records,
    queries: () => queries,
    nginxBinary,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The reply to one query: A from `records`, NODATA for other types of a known name, else NXDOMAIN. */
function answerFor(query: Buffer, records: ReadonlyMap<string, string>): Buffer | undefined {
  if (query.length < 12) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset];
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  const questionEnd = offset + 5;
  if (questionEnd > query.length) return undefined;
  const type = query.readUInt16BE(offset + 1);
  const name = labels.join('.').toLowerCase();
  const address = records.get(name);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR, opcode 0, AA, RD copied, RA; RCODE 0 or 3 (NXDOMAIN).
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (address ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  const answers = address && type === 1 ? 1 : 0;
  header.writeUInt16BE(answers, 6);
  const question = query.subarray(12, questionEnd);
  if (answers === 0) return Buffer.concat([header, question]);
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0);
  record.writeUInt16BE(1, 2);
  record.writeUInt16BE(1, 4);
  record.writeUInt32BE(1, 6);
  record.writeUInt16BE(4, 10);
  address!.split('.').forEach((part, index) => record.writeUInt8(Number(part), 12 + index));
  return Buffer.concat([header, question, record]);
}
