import { describe, expect, it } from 'vitest';
import { childExecArgv, inheritedExecArgv, isTypeScriptModule } from './exec-argv.js';

describe('inheritedExecArgv', () => {
  it('drops debugger and test runner flags, keeps loaders and memory limits', () => {
    const argv = [
      '--inspect-brk=9229',
      '--inspect',
      '--require',
      '/x/node_modules/tsx/dist/preflight.cjs',
      '--import',
      'file:///x/node_modules/tsx/dist/loader.mjs',
      '--import',
      'file:///x/node_modules/vitest/dist/hook.mjs',
      '--conditions',
      'development',
      '--max-old-space-size=512',
      '--enable-source-maps',
      '--inspect-port',
      '9230',
    ];
    expect(inheritedExecArgv(argv)).toEqual([
      '--require=/x/node_modules/tsx/dist/preflight.cjs',
      '--import=file:///x/node_modules/tsx/dist/loader.mjs',
      '--conditions=development',
      '--max-old-space-size=512',
      '--enable-source-maps',
    ]);
  });

  it('adds tsx for a TypeScript target when no loader is present', () => {
    expect(isTypeScriptModule('file:///a/b.ts')).toBe(true);
    expect(isTypeScriptModule('file:///a/b.mjs')).toBe(false);
    const argv = childExecArgv(new URL('./exec-argv.test.ts', import.meta.url).href, []);
    expect(argv[0]).toMatch(/^--import=file:.*tsx.*loader\.mjs$/);
    expect(childExecArgv('file:///a/b.js', ['--no-warnings'])).toEqual(['--no-warnings']);
  });
});
