// shared-dict.ts on worker threads: only the import line differs (nested proxies stay proxies).
// list proxies stays a dict of proxies, so a child appends to a list it found in the dict.

import { isMainProcess, Manager, Process } from '@proc/dummy';
import type { DictProxy, ListProxy } from '@proc/managers';

export async function child(
  id: number,
  scores: DictProxy<string, number>,
  log: ListProxy<string>,
  groups: DictProxy<string, ListProxy<number>>,
): Promise<void> {
  await scores.set(`child-${id}`, id * 10);
  await log.append(`child ${id} was here`);
  for (let n = id * 3; n < id * 3 + 3; n++) {
    const list = await groups.get(n % 2 === 0 ? 'even' : 'odd'); // a proxy, usable at once
    await list?.append(n);
  }
}

if (isMainProcess()) {
  await using manager = await Manager();
  const scores = await manager.dict<string, number>();
  await scores.set('parent', 1);
  const log = await manager.list<string>();
  const groups = await manager.dict<string, ListProxy<number>>();
  await groups.set('even', await manager.list<number>());
  await groups.set('odd', await manager.list<number>());

  const children = [1, 2].map((id) => new Process({ target: child, args: [id, scores, log, groups] }));
  await Promise.all(children.map((p) => p.start()));
  for (const p of children) await p.join();

  // Children ran concurrently: sort for a stable printout.
  const items = [...(await scores.items())].sort(([a], [b]) => String(a).localeCompare(String(b)));
  console.log('scores', items.map(([k, v]) => `${k}=${v}`).join(' '));
  console.log('log', (await log.copy()).sort());
  for (const key of (await groups.keys()).sort()) {
    const list = (await groups.get(key)) as ListProxy<number>;
    console.log(key, (await list.copy()).sort((a, b) => a - b));
  }
  console.log('len', await scores.len(), await log.len());
} // manager.shutdown() here
