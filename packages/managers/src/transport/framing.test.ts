import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { FrameParser, frameHeader } from './framing.js';

const frame = (payload: Buffer) => Buffer.concat([frameHeader(payload.length), payload]);

describe('FrameParser', () => {
  it('parses frames within one chunk, across chunks, and byte by byte', () => {
    const a = Buffer.from('hello');
    const b = Buffer.alloc(70000, 7);
    const c = Buffer.alloc(0);
    const wire = Buffer.concat([frame(a), frame(b), frame(c)]);
    for (const step of [wire.length, 3, 1, 65536]) {
      const got: Buffer[] = [];
      const p = new FrameParser((f) => got.push(Buffer.from(f)));
      for (let i = 0; i < wire.length; i += step) p.push(wire.subarray(i, i + step));
      expect(got.map((g) => g.length)).toEqual([5, 70000, 0]);
      expect(got[0].toString()).toBe('hello');
      expect(got[1].equals(b)).toBe(true);
    }
  });

  it('refuses a negative or oversized length before allocating', () => {
    const p = new FrameParser(() => {}, 1024);
    expect(() => p.push(frameHeader(4096))).toThrow(ProtocolError);
    const q = new FrameParser(() => {});
    expect(() => q.push(Buffer.from([0xff, 0xff, 0xff, 0xf0]))).toThrow(ProtocolError);
  });
});
