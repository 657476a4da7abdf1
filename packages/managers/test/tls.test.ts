import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@proc/connection';
import { SyncManager } from '@proc/managers';
import { describe, expect, it, onTestFinished } from 'vitest';

describe('remote managers over TLS', () => {
  it.skipIf(process.env.PROC_MANAGER_TRANSPORT === 'net')('serves and connects with TLS and an authkey', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'proc-tls-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const key = readFileSync(path.join(dir, 'key.pem'));
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    const authkey = randomBytes(32);
    const host = new SyncManager({ address: ['127.0.0.1', 0], authkey, tls: { server: { key, cert } } });
    const server = host.getServer();
    onTestFinished(() => server.shutdown());
    const address = await server.listen();
    const user = new SyncManager({ address, authkey, tls: { client: { ca: cert } } });
    await user.connect();
    onTestFinished(() => user.shutdown());
    const d = await user.dict();
    await d.set('secure', true);
    expect(await d.get('secure')).toBe(true);
    // Without TLS the same server refuses to talk.
    await expect(Client(address, { authkey, timeout: 2000 })).rejects.toBeInstanceOf(Error);
  });
});
