// Raw Unix socket echo: the bare-Node round-trip peer.
import net from 'node:net';

const s = net.connect(process.argv[2]);
s.on('data', (d) => s.write(d));
s.on('end', () => s.end());
s.on('close', () => process.exit(0));
