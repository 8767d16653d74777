import descriptorPb from 'google-protobuf/google/protobuf/descriptor_pb.js';

/**
 * `/package.Service/Method` → the full name of its request message
 * (`gateway.registry.v1.RegisterRequest`), read from a FileDescriptorSet (the one server
 * reflection serves), so a refusal can name the message a client should have sent. Uses
 * google-protobuf's descriptor classes, which server reflection loads anyway.
 */
export function requestTypeNames(descriptorSet: Uint8Array): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const file of descriptorPb.FileDescriptorSet.deserializeBinary(
    descriptorSet,
  ).getFileList()) {
    const pkg = file.getPackage() ?? '';
    const prefix = pkg === '' ? '' : `${pkg}.`;
    for (const service of file.getServiceList()) {
      for (const method of service.getMethodList()) {
        names.set(
          `/${prefix}${service.getName() ?? ''}/${method.getName() ?? ''}`,
          (method.getInputType() ?? '').replace(/^\./, ''),
        );
      }
    }
  }
  return names;
}
