// Entry of a job process. Built (`pnpm bench` runs dist): the compiled job is plain JavaScript,
// so nothing but Node loads, as a user's compiled program would. From source (development,
// and the app's own tests): tsx is registered here, in code, rather than with `--import tsx`,
// since proc children inherit a parent's loader flags, and the start and memory figures must
// measure a child running a compiled target, without tsx (issue 2).
import { existsSync } from 'node:fs';

const compiled = new URL('./job-child.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./job-child.ts');
}
