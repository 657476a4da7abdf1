// Entry of a job process. tsx is registered here, in code, rather than with `--import tsx`:
// proc children inherit a parent's loader flags, and the start and memory figures must measure
// a child running a compiled target, without tsx (issue 2). Children whose target is
// TypeScript (the pool's task) still get tsx: proc adds it for a .ts target module.
import { register } from 'tsx/esm/api';

register();
await import('./job-child.ts');
