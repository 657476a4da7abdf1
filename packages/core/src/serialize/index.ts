export { type AnyClass, type ClassOptions, registerClass } from './class-registry.js';
export { deserialize, deserializeAsync, getCodec, preloadModules, procCodec, serialize, setCodec } from './codec.js';
export { registerErrorClass } from './error-registry.js';
export { ModuleNotLoadedError } from './module-not-loaded-error.js';
export { loadedModule, registerModule } from './modules.js';
export * from './types.js';
export { v8Codec } from './v8-codec.js';
