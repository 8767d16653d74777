export { Registrar } from './registrar.js';
export type {
  RegistrarEvent,
  RegistrarInstance,
  RegistrarOptions,
  RegistrarState,
} from './registrar-options.js';
