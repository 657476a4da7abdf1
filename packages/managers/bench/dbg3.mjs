import { listen, connect } from '../dist/transport/connection-channel.js';
import { randomBytes } from 'node:crypto';
const key = randomBytes(8);
const l = await listen(undefined, { authkey: key });
l.onChannel = (ch) => { console.log('server got channel'); ch.onFrame = (f) => { console.log('server frame', String(f)); ch.write(Buffer.from('pong')); }; ch.write(Buffer.from('hello')); };
l.onRejected = (e) => console.log('rejected', e);
const ch = await connect(l.address, { authkey: key });
console.log('client connected');
ch.onFrame = (f) => { console.log('client frame', String(f)); if (String(f) === 'hello') ch.write(Buffer.from('ping')); else { ch.close(); l.close(); } };
