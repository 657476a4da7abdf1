/**
 * URLs of this package's modules that travel inside messages (a proxy's rebuild module), made
 * from this file's folder. The server's one-file bundle (`scripts/bundle-server.mjs`) lives in
 * the same folder (`dist/server/`), and inside it every module's `import.meta.url` is the
 * bundle's: so these come out the same in the bundle and in the plain modules.
 */
const root = new URL('../', import.meta.url);

/** The module exporting `rebuildProxy` (`proxy/rebuild.ts`). */
export const rebuildModule = new URL('proxy/rebuild.js', root).href;
