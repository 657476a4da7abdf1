/**
 * The authentication handshake of Python's `multiprocessing.connection`. The listening side
 * delivers a challenge then answers one; the connecting side answers then delivers. Every
 * message is an ordinary frame of at most 256 bytes (a longer one fails the handshake before
 * anything is allocated for it), and the whole exchange runs under a deadline, so a silent peer
 * cannot hold a slot forever.
 */
import { randomBytes } from 'node:crypto';
import { type WaitOptions, withDeadline } from '@proc/core';
import type { Connection } from '../connection/connection.js';
import { kCork, kFrameLimit, kIsReady, kUncork } from '../connection/internals.js';
import { AuthenticationError } from '../errors.js';
import { createResponse, type DigestName, digestPrefix, verifyResponse } from './digest.js';

const CHALLENGE = Buffer.from('#CHALLENGE#');
const WELCOME = Buffer.from('#WELCOME#');
const FAILURE = Buffer.from('#FAILURE#');
/** Random bytes in a challenge (Python's `MESSAGE_LENGTH`, > 20 to tell it from the legacy form). */
const MESSAGE_LENGTH = 40;
/** Python's `recv_bytes(256)` during the handshake: "reject large message". */
const HANDSHAKE_FRAME_LIMIT = 256;

/** The default deadline of a handshake. */
export const DEFAULT_HANDSHAKE_TIMEOUT = 20_000;

export interface HandshakeOptions extends WaitOptions {
  /** Refuse HMAC-MD5 (the legacy form of Python 3.11 and earlier). */
  strict?: boolean;
  /** The digest our challenge names. */
  digest?: DigestName;
}

/** A key as Python takes it (`bytes`); a string is its UTF-8 bytes. */
export type AuthKey = Uint8Array | string;

export function normalizeAuthkey(key: AuthKey | null | undefined, what = 'authkey'): Buffer | null {
  if (key === undefined || key === null) return null;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

/**
 * Random bytes drawn from a pool refilled 4 KiB at a time: `randomBytes` costs about as much for
 * 40 bytes as for 4 KiB, and a handshake needs 40. Each byte is used once.
 */
let pool = Buffer.alloc(0);
let poolUsed = 0;
function random(n: number): Buffer {
  if (poolUsed + n > pool.length) {
    pool = randomBytes(4096);
    poolUsed = 0;
  }
  const out = pool.subarray(poolUsed, poolUsed + n);
  poolUsed += n;
  return out;
}

/**
 * A challenge frame, `#CHALLENGE#{digest}` + 40 random bytes, made in one buffer; the message
 * our peer must MAC is the part after `#CHALLENGE#`.
 */
function newChallenge(digest: DigestName | undefined): Buffer {
  const prefix = digestPrefix(digest ?? 'sha256');
  const frame = Buffer.allocUnsafe(CHALLENGE.length + prefix.length + MESSAGE_LENGTH);
  CHALLENGE.copy(frame, 0);
  prefix.copy(frame, CHALLENGE.length);
  random(MESSAGE_LENGTH).copy(frame, CHALLENGE.length + prefix.length);
  return frame;
}

/** The message inside a challenge frame we made. */
const messageOf = (challenge: Buffer) => challenge.subarray(CHALLENGE.length);

/**
 * Checks the peer's reply to our challenge. Synchronous when it is right (the common case costs
 * no promise); when wrong, returns a promise that sends `#FAILURE#` and rejects.
 */
function check(conn: Connection, key: Buffer, challenge: Buffer, response: Buffer, strict: boolean): Promise<never> | undefined {
  try {
    verifyResponse(key, messageOf(challenge), response, strict);
    return undefined;
  } catch (err) {
    const fail = () => {
      throw err;
    };
    return conn.sendBytes(FAILURE).then(fail, fail);
  }
}

/** Our reply to the peer's challenge frame `received`. */
function answer(received: Buffer, key: Buffer, strict: boolean): Buffer {
  if (received.length < CHALLENGE.length || received.compare(CHALLENGE, 0, CHALLENGE.length, 0, CHALLENGE.length) !== 0) {
    throw new AuthenticationError('Protocol error: expected a challenge');
  }
  const message = received.subarray(CHALLENGE.length);
  if (message.length < 20) throw new AuthenticationError(`Challenge too short: ${message.length} bytes`);
  return createResponse(key, message, strict);
}

function verdict(received: Buffer): void {
  if (!received.equals(WELCOME)) throw new AuthenticationError('The digest sent was rejected');
}

/** Sends two frames in one write: every write to a socket wakes the peer once. */
function sendTogether(conn: Connection, first: Buffer, second: Buffer): void {
  conn[kCork]();
  try {
    void conn.sendBytes(first);
    void conn.sendBytes(second);
  } finally {
    conn[kUncork]();
  }
}

/** Sends a challenge and checks the peer's reply (Python's `deliver_challenge`). */
export async function deliverChallenge(conn: Connection, key: Buffer, options: HandshakeOptions = {}): Promise<void> {
  const challenge = newChallenge(options.digest);
  void conn.sendBytes(challenge);
  const failed = check(conn, key, challenge, await conn.recvBytes(), options.strict ?? false);
  if (failed) await failed;
  // Awaited: the caller may close or destroy the connection as soon as the handshake is done.
  await conn.sendBytes(WELCOME);
}

/** Replies to the peer's challenge and waits for its verdict (Python's `answer_challenge`). */
export async function answerChallenge(conn: Connection, key: Buffer, options: HandshakeOptions = {}): Promise<void> {
  void conn.sendBytes(answer(await conn.recvBytes(), key, options.strict ?? false));
  verdict(await conn.recvBytes());
}

/**
 * The listening side: deliver, then answer. A proc client sends its challenge together with its
 * reply (see `clientSide`); when that challenge is already here, our verdict and our reply to it
 * go out in one write. A Python client sends its challenge only after our verdict.
 */
async function serverSide(conn: Connection, key: Buffer, options: HandshakeOptions): Promise<void> {
  const strict = options.strict ?? false;
  const challenge = newChallenge(options.digest);
  void conn.sendBytes(challenge);
  const failed = check(conn, key, challenge, await conn.recvBytes(), strict);
  if (failed) await failed;
  if (conn[kIsReady]()) {
    let response: Buffer;
    try {
      response = answer(await conn.recvBytes(), key, strict);
    } catch (err) {
      // The peer passed our check: it gets its verdict before we fail on what it sent next.
      void conn.sendBytes(WELCOME);
      throw err;
    }
    sendTogether(conn, WELCOME, response);
  } else {
    void conn.sendBytes(WELCOME);
    void conn.sendBytes(answer(await conn.recvBytes(), key, strict));
  }
  verdict(await conn.recvBytes());
}

/**
 * The connecting side: answer, then deliver. Our challenge goes out with our reply (one write)
 * instead of after the peer's verdict: the bytes on the wire and their order are Python's (a
 * listener reads the reply, sends its verdict, then reads the challenge already waiting), and
 * the handshake takes four one-way trips instead of six.
 */
async function clientSide(conn: Connection, key: Buffer, options: HandshakeOptions): Promise<void> {
  const strict = options.strict ?? false;
  const response = answer(await conn.recvBytes(), key, strict);
  const challenge = newChallenge(options.digest);
  sendTogether(conn, response, challenge);
  verdict(await conn.recvBytes());
  const failed = check(conn, key, challenge, await conn.recvBytes(), strict);
  if (failed) await failed;
  // Awaited: the caller may close or destroy the connection as soon as the handshake is done.
  await conn.sendBytes(WELCOME);
}

/**
 * Runs one side of the handshake on `conn` under a deadline. On any failure the connection is
 * destroyed and the promise rejects with `AuthenticationError` (its `cause` says what broke:
 * a wrong digest, a timeout, garbage, the peer leaving).
 */
export function handshake(
  conn: Connection,
  key: Buffer,
  side: 'server' | 'client',
  options: HandshakeOptions = {},
): Promise<void> {
  // Each side receives exactly three handshake frames (a challenge, a reply, a verdict).
  conn[kFrameLimit](HANDSHAKE_FRAME_LIMIT, 3);
  return withDeadline(
    (onCancel) => {
      onCancel((reason) => conn.destroy(reason));
      return side === 'server' ? serverSide(conn, key, options) : clientSide(conn, key, options);
    },
    { timeout: options.timeout ?? DEFAULT_HANDSHAKE_TIMEOUT, signal: options.signal },
    'authentication handshake',
  ).then(
    () => {},
    (err: Error) => {
      conn.destroy(err);
      throw err instanceof AuthenticationError
        ? err
        : new AuthenticationError(`The authentication handshake failed: ${err.message}`, { cause: err });
    },
  );
}
