import { SerializationError } from '../errors.js';

/**
 * `deserialize` (the synchronous one) met a message that needs modules this process has not
 * loaded yet. Use `deserializeAsync`, or `await preloadModules(buf)` first.
 */
export class ModuleNotLoadedError extends SerializationError {
  // A class field runs after `super()`, so it replaces the code SerializationError sets.
  override readonly code: string = 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED';
  /** The module URLs that were missing. */
  readonly modules: string[];

  constructor(modules: string[]) {
    super(
      `Cannot deserialize synchronously: the message needs module(s) not loaded in this process: ${modules.join(', ')}. Use deserializeAsync(), or await preloadModules(buf) first.`,
    );
    this.modules = modules;
  }
}
