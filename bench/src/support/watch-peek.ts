import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { ServiceDefinition } from 'nice-grpc';
import { WatchInstancesRequest } from '@gateway/proto/registry';

/** What a benchmark watcher needs of a WatchInstancesResponse, read without building the instances. */
export type WatchPeek =
  | { readonly kind: 'snapshot'; readonly instances: number; readonly more: boolean }
  | { readonly kind: 'change'; readonly instanceId: string }
  | { readonly kind: 'other' };

/**
 * Reads the wire form of a WatchInstancesResponse (registry.proto: snapshot = 2 {instances
 * = 1, more = 2}, change = 3 {instance_id = 2}) and skips everything else: a benchmark
 * holding 100 watchers of 50,000 instances then spends its CPU on the services, not on
 * decoding 5 million instances itself.
 */
export function peekWatchMessage(bytes: Uint8Array): WatchPeek {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 2 && wireType === WireType.LengthDelimited) return peekSnapshot(reader.bytes());
    if (field === 3 && wireType === WireType.LengthDelimited) return peekChange(reader.bytes());
    reader.skip(wireType);
  }
  return { kind: 'other' };
}

function peekSnapshot(bytes: Uint8Array): WatchPeek {
  const reader = new BinaryReader(bytes);
  let instances = 0;
  let more = false;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      instances += 1;
      reader.skip(wireType);
    } else if (field === 2 && wireType === WireType.Varint) more = reader.bool();
    else reader.skip(wireType);
  }
  return { kind: 'snapshot', instances, more };
}

function peekChange(bytes: Uint8Array): WatchPeek {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 2 && wireType === WireType.LengthDelimited)
      return { kind: 'change', instanceId: reader.string() };
    reader.skip(wireType);
  }
  return { kind: 'change', instanceId: '' };
}

/** RegistryService.WatchInstances with responses peeked at (see peekWatchMessage), for nice-grpc's createClient. */
export const PeekingWatchDefinition = {
  watchInstances: {
    path: '/gateway.registry.v1.RegistryService/WatchInstances',
    requestStream: false,
    responseStream: true,
    requestSerialize: (request: WatchInstancesRequest) =>
      WatchInstancesRequest.encode(request).finish(),
    requestDeserialize: (bytes: Uint8Array) => WatchInstancesRequest.decode(bytes),
    responseSerialize: (): Uint8Array => new Uint8Array(),
    responseDeserialize: peekWatchMessage,
    options: {},
  },
} as const satisfies ServiceDefinition;
