// Builds the optional shared-memory addon (native/shm.cc) into dist/native/proc_shm.node.
// proc works without it, so a machine without a C++ compiler or Node's headers gets a warning,
// not a failed build. Linux only: the addon uses memfd_create.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'native', 'shm.cc');
const out = path.join(root, 'dist', 'native', 'proc_shm.node');

function headers() {
  const candidates = [path.resolve(path.dirname(process.execPath), '..', 'include', 'node')];
  if (process.env.npm_config_nodedir) candidates.push(path.join(process.env.npm_config_nodedir, 'include', 'node'));
  candidates.push('/usr/include/node', '/usr/local/include/node');
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'node.h')));
}

if (process.platform !== 'linux') {
  console.log('proc: the shared-memory addon is Linux only; lanes will use their FIFO');
  process.exit(0);
}
if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) process.exit(0);
const include = headers();
if (!include) {
  console.warn("proc: Node's headers not found; lanes will use their FIFO (slower puts from other processes)");
  process.exit(0);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
try {
  const cxx = process.env.CXX || 'g++';
  execFileSync(cxx, ['-O2', '-std=c++17', '-shared', '-fPIC', '-Wall', '-I', include, src, '-o', tmp], { stdio: 'inherit' });
  fs.renameSync(tmp, out);
} catch (err) {
  fs.rmSync(tmp, { force: true });
  console.warn(`proc: the shared-memory addon did not build (${err.message}); lanes will use their FIFO`);
}
