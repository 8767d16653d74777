import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/**
 * `/package.Service/Method` → the full name of its request message
 * (`gateway.registry.v1.RegisterRequest`), read from a FileDescriptorSet (the one server
 * reflection serves), so a refusal can name the message a client should have sent.
 */
export function requestTypeNames(descriptorSet: Uint8Array): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const file of fromBinary(FileDescriptorSetSchema, descriptorSet).file) {
    const prefix = file.package === '' ? '' : `${file.package}.`;
    for (const service of file.service) {
      for (const method of service.method) {
        names.set(`/${prefix}${service.name}/${method.name}`, method.inputType.replace(/^\./, ''));
      }
    }
  }
  return names;
}
