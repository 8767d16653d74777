import { readFileSync } from 'node:fs';

/**
 * The FileDescriptorSet of every gateway.*.v1 contract and its imports, as
 * built by `buf build --as-file-descriptor-set` next to the compiled code.
 * Server reflection serves it so grpcurl needs no .proto file.
 */
export function loadDescriptorSet(): Buffer {
  return readFileSync(new URL('./descriptor-set.binpb', import.meta.url));
}
