import { fileURLToPath } from 'node:url';
import { Manager } from '@proc/managers';
import { describe, expect, it, onTestFinished } from 'vitest';
// Internal: which module the server process runs.
import { serverEntry } from '../dist/manager/server-entry.js';
import { Point } from './fixtures/point.mjs';

describe('the server entry', () => {
  it('is the one-file bundle when no user type is registered, the plain modules otherwise', () => {
    expect(fileURLToPath(serverEntry(0))).toMatch(/dist[\\/]server[\\/]entry\.bundle\.js$/);
    expect(fileURLToPath(serverEntry(1))).toMatch(/dist[\\/]server[\\/]entry\.js$/);
  });

  it('rebuilds values whose module loads its own @proc/core beside the bundled one', async () => {
    const m = await Manager();
    onTestFinished(() => m.shutdown());
    const d = await m.dict<string, Point>();
    await d.set('p', new Point(3, 4));
    // The server rebuilt a Point (it imported the fixture, which imports @proc/core) and
    // reduced it again on the way back.
    const back = await d.get('p');
    expect(back).toBeInstanceOf(Point);
    expect(back).toEqual(new Point(3, 4));
    const l = await m.list<Point>([new Point(1, 2)]);
    expect(await l.get(0)).toBeInstanceOf(Point);
  });
});
