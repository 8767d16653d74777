import { utils } from 'ssh2';

/** Encrypts the private key (OpenSSH format) when given. */
type Encryption = { passphrase: string; cipher: string; rounds: number };

/**
 * An ed25519 key pair from ssh2's generator that ssh2 (and OpenSSH) can read back.
 * ssh2's generateKeyPairSync drops a leading zero byte of the public key now and then
 * (about 1 pair in 300 here: a 31-byte key, "malformed" to ssh2 and ssh-keygen alike),
 * so a test using its output directly fails at random. Bounded: 20 tries.
 */
export function ed25519KeyPair(encryption?: Encryption): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = encryption
      ? utils.generateKeyPairSync('ed25519', encryption)
      : utils.generateKeyPairSync('ed25519');
    const readable =
      !(utils.parseKey(pair.public) instanceof Error) &&
      !(utils.parseKey(pair.private, encryption?.passphrase) instanceof Error);
    if (readable) return pair;
  }
  throw new Error('ssh2 generated 20 unreadable ed25519 key pairs in a row');
}
