import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameError, MessageTooLargeError } from '../errors.js';
import { FrameParser } from './frame-parser.js';
import { encodeHeader, headerSize, writeHeader } from './header.js';

const frame = (payload: Buffer) => Buffer.concat([encodeHeader(payload.length), payload]);

function drain(p: FrameParser): Buffer[] {
  const out: Buffer[] = [];
  for (let f = p.next(); f !== undefined; f = p.next()) out.push(f);
  return out;
}

describe('header', () => {
  it('uses 4 bytes up to 2^31-1 and 12 bytes (-1 then u64) beyond, as Python', () => {
    expect(encodeHeader(0)).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(encodeHeader(0x7fffffff)).toEqual(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    expect(headerSize(0x80000000)).toBe(12);
    expect(encodeHeader(0x80000000)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x80, 0, 0, 0]));
    const b = Buffer.alloc(12);
    writeHeader(b, 0, 2 ** 40 + 5);
    expect(b.readBigUInt64BE(4)).toBe(2n ** 40n + 5n);
  });
});

describe('FrameParser', () => {
  it('returns a frame inside one chunk as a view, without copying', () => {
    const p = new FrameParser(1024);
    const chunk = Buffer.concat([frame(Buffer.from('hello')), frame(Buffer.from('')), frame(Buffer.from('x'))]);
    p.push(chunk);
    const out = drain(p);
    expect(out.map(String)).toEqual(['hello', '', 'x']);
    expect(out[0].buffer).toBe(chunk.buffer);
    expect(p.buffered).toBe(0);
  });

  it('reassembles frames split at every byte boundary', () => {
    const payloads = [randomBytes(0), randomBytes(1), randomBytes(3), randomBytes(300), randomBytes(5)];
    const stream = Buffer.concat(payloads.map(frame));
    for (let cut = 1; cut <= stream.length; cut++) {
      const p = new FrameParser(1024);
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += cut) {
        p.push(stream.subarray(i, i + cut));
        got.push(...drain(p));
      }
      expect(got).toEqual(payloads);
      expect(p.buffered).toBe(0);
    }
  });

  it('parses the 12-byte long header', () => {
    const p = new FrameParser(1024);
    const long = Buffer.alloc(12);
    writeHeader(long, 0, -1 >>> 0);
    // a long header declaring a small size is legal framing
    long.writeInt32BE(-1, 0);
    long.writeUInt32BE(0, 4);
    long.writeUInt32BE(3, 8);
    p.push(long.subarray(0, 6));
    expect(p.next()).toBeUndefined();
    p.push(Buffer.concat([long.subarray(6), Buffer.from('abc')]));
    expect(String(p.next())).toBe('abc');
  });

  it('rejects a declared length over the limit from the header alone', () => {
    const p = new FrameParser(100);
    p.push(encodeHeader(101));
    expect(() => p.next()).toThrow(MessageTooLargeError);
    const q = new FrameParser(100);
    q.push(encodeHeader(2 ** 40));
    expect(() => q.next()).toThrow(MessageTooLargeError);
  });

  it('limitNext tightens the limit for a number of frames only', () => {
    const p = new FrameParser(1024);
    p.limitNext(4, 1);
    p.push(Buffer.concat([frame(Buffer.from('abcd')), frame(Buffer.alloc(100))]));
    expect(String(p.next())).toBe('abcd');
    expect(p.next()?.length).toBe(100);
    const q = new FrameParser(1024);
    q.limitNext(4, 1);
    q.push(frame(Buffer.alloc(5)));
    expect(() => q.next()).toThrow(MessageTooLargeError);
  });

  it('rejects negative lengths and lengths beyond 2^53', () => {
    const p = new FrameParser(100);
    p.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(() => p.next()).toThrow(FrameError);
    const q = new FrameParser(Number.POSITIVE_INFINITY);
    q.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0]));
    expect(() => q.next()).toThrow(FrameError);
  });

  it('hands back exactly the undelivered bytes', () => {
    const p = new FrameParser(1024);
    const a = frame(Buffer.from('first'));
    const b = frame(Buffer.from('second'));
    p.push(Buffer.concat([a, b.subarray(0, 6)]));
    expect(String(p.next())).toBe('first');
    expect(p.next()).toBeUndefined();
    expect(Buffer.concat(p.takeRemaining())).toEqual(b.subarray(0, 6));
    expect(p.buffered).toBe(0);
  });
});
