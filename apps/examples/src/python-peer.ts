// Talking to Python: our Listener (with an authkey) accepts a real CPython
// `multiprocessing.connection.Client`. The handshake and framing are Python's, byte for byte;
// payloads go as raw bytes (sendBytes/recvBytes: Python's send_bytes/recv_bytes), here JSON.
// Without python3 on the PATH it prints the same steps as skipped and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Listener } from '@proc/processing';

const PYTHON = process.env.PYTHON ?? 'python3';

const peer = `
import json, sys
from multiprocessing.connection import Client
with Client(sys.argv[1], authkey=bytes.fromhex(sys.argv[2])) as conn:
    conn.send_bytes(json.dumps({"hello": "from python", "n": 1}).encode())
    reply = json.loads(conn.recv_bytes())
    print("python received from node:", json.dumps(reply, separators=(",", ":")), flush=True)
`;

const version = spawnSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.log('python3 not found, skipping');
  console.log('node received from python: (skipped)');
  console.log('python received from node: (skipped)');
} else {
  console.log(`python3: ${version.stdout.trim()}`);
  const authkey = randomBytes(32);
  // No address: a fresh Unix socket path, which Python's Client takes as AF_UNIX.
  await using listener = new Listener(undefined, { authkey });
  await listener.listening;

  const py = spawn(PYTHON, ['-c', peer, String(listener.address), authkey.toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pyOut = '';
  py.stdout.on('data', (d) => {
    pyOut += d;
  });
  const exited = new Promise<number | null>((resolve) => py.on('close', resolve));

  await using conn = await listener.accept({ timeout: 20_000 });
  const msg = JSON.parse((await conn.recvBytes()).toString('utf8'));
  console.log('node received from python:', JSON.stringify(msg));
  await conn.sendBytes(Buffer.from(JSON.stringify({ hello: 'from node', n: msg.n + 1 })));

  const code = await exited;
  process.stdout.write(pyOut);
  if (code !== 0) throw new Error(`python exited with ${code}`);
}
