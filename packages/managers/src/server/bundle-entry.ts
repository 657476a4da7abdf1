/**
 * The entry of the server's one-file bundle (`scripts/bundle-server.mjs`): the server entry, and
 * the module where proxy tokens become values again. The codec finds that one by URL; bundled
 * here, it registers itself under its canonical URL before anything else could load a second
 * copy of it (whose server side would not be this server).
 */
export { rebuildProxy } from '../proxy/rebuild.js';
export * from './entry.js';
