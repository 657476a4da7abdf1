/**
 * Python's connection handshake (3.12+ form): `#CHALLENGE#{sha256}` + 40 random bytes, answered
 * by `{sha256}` + HMAC-SHA256(authkey, everything after `#CHALLENGE#`), then `#WELCOME#` or
 * `#FAILURE#`. The listener challenges first, then the client does. Digests are compared in
 * constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors.js';

const CHALLENGE = Buffer.from('#CHALLENGE#');
const WELCOME = Buffer.from('#WELCOME#');
const FAILURE = Buffer.from('#FAILURE#');
const SHA256 = Buffer.from('{sha256}');

export interface FrameIO {
  send(payload: Buffer): void;
  recv(): Promise<Buffer>;
}

function response(authkey: Uint8Array, message: Buffer): Buffer {
  return Buffer.concat([SHA256, createHmac('sha256', authkey).update(message).digest()]);
}

async function deliverChallenge(io: FrameIO, authkey: Uint8Array): Promise<void> {
  const message = Buffer.concat([SHA256, randomBytes(40)]);
  io.send(Buffer.concat([CHALLENGE, message]));
  const answer = await io.recv();
  const expected = response(authkey, message);
  if (answer.length !== expected.length || !timingSafeEqual(answer, expected)) {
    io.send(FAILURE);
    throw new AuthenticationError('The peer answered the challenge with a wrong digest (authkey mismatch)');
  }
  io.send(WELCOME);
}

async function answerChallenge(io: FrameIO, authkey: Uint8Array): Promise<void> {
  const challenge = await io.recv();
  if (challenge.length < CHALLENGE.length + SHA256.length || !challenge.subarray(0, CHALLENGE.length).equals(CHALLENGE)) {
    throw new AuthenticationError('The peer did not send a challenge: not a proc manager, or a protocol mismatch');
  }
  const message = challenge.subarray(CHALLENGE.length);
  if (!message.subarray(0, SHA256.length).equals(SHA256)) {
    throw new AuthenticationError('The peer asked for a digest other than sha256');
  }
  io.send(response(authkey, message));
  const verdict = await io.recv();
  if (!verdict.equals(WELCOME)) {
    throw new AuthenticationError('The peer refused our digest (authkey mismatch)');
  }
}

/** The listener's side. */
export async function serverHandshake(io: FrameIO, authkey: Uint8Array): Promise<void> {
  await deliverChallenge(io, authkey);
  await answerChallenge(io, authkey);
}

/** The client's side. */
export async function clientHandshake(io: FrameIO, authkey: Uint8Array): Promise<void> {
  await answerChallenge(io, authkey);
  await deliverChallenge(io, authkey);
}
