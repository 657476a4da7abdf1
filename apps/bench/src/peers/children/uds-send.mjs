// Raw Unix socket sender for `seconds`: 'each' writes one 4-byte-length-framed 64 B message per
// write() call; 'bulk' writes 1 MiB buffers. The bare-Node one-way peer.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const [sockPath, mode, seconds] = process.argv.slice(2);
const s = net.connect(sockPath);
const payload = Buffer.alloc(64, 7);
const big = Buffer.alloc(1 << 20, 9);
const frame = () => {
  const b = Buffer.allocUnsafe(68);
  b.writeUInt32BE(64, 0);
  payload.copy(b, 4);
  return b;
};
s.on('connect', () => {
  const deadline = performance.now() + Number(seconds) * 1000;
  const pump = () => {
    for (;;) {
      if (performance.now() > deadline) {
        s.end();
        return;
      }
      let ok = true;
      if (mode === 'each') for (let i = 0; i < 256; i++) ok = s.write(frame());
      else ok = s.write(big);
      if (!ok) {
        s.once('drain', pump);
        return;
      }
    }
  };
  pump();
});
s.on('close', () => process.exit(0));
