import { describe, expect, it } from 'vitest';
import { FrameReader, frame, jsonFrame, u32Frame } from './protocol.js';

function collect(): { frames: [number, string][]; reader: FrameReader } {
  const frames: [number, string][] = [];
  const reader = new FrameReader((type, body) => frames.push([type, body.toString('hex')]));
  return { frames, reader };
}

describe('FrameReader', () => {
  const stream = Buffer.concat([
    frame(2, Buffer.from('hello')),
    frame(4),
    jsonFrame(1, { a: 1 }),
    u32Frame(3, 0xdeadbeef),
    frame(13, Buffer.alloc(70_000, 7)),
  ]);
  const expected = (() => {
    const { frames, reader } = collect();
    reader.push(stream);
    return frames;
  })();

  it('parses whole frames in one chunk', () => {
    expect(expected.map(([t]) => t)).toEqual([2, 4, 1, 3, 13]);
    expect(expected[0][1]).toBe(Buffer.from('hello').toString('hex'));
    expect(expected[1][1]).toBe('');
    expect(Buffer.from(expected[3][1], 'hex').readUInt32LE(0)).toBe(0xdeadbeef);
  });

  it('gives the same frames whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 4, 5, 7, 64, 1000, 65_536]) {
      const { frames, reader } = collect();
      for (let off = 0; off < stream.length; off += size) reader.push(stream.subarray(off, off + size));
      expect(frames).toEqual(expected);
    }
  });

  it('rejects a frame length of zero (a corrupt stream)', () => {
    const { reader } = collect();
    expect(() => reader.push(Buffer.alloc(8))).toThrow(RangeError);
  });
});
