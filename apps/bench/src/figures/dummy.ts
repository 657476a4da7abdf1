import { dummy } from '../api.ts';
import { freshTrials } from '../harness/trial.ts';
import { dictGetFromChild, dictGetFromMain } from './dict-get.ts';
import { childToParent } from './queue.ts';
import type { Measure } from './support.ts';

// @proc/dummy: the same API on worker threads. Its Process runs the target in a worker thread.

/** A dummy Queue from a worker thread to the main thread. */
export const queue_thread_items_per_s: Measure = async (ctx) => {
  const { Process, Queue } = await dummy('Process', 'Queue');
  return freshTrials(ctx, () => childToParent(ctx, Process, Queue));
};

export const dummy_dict_get_main_per_s: Measure = dictGetFromMain(() => dummy('Manager'));
export const dummy_dict_get_worker_per_s: Measure = dictGetFromChild(() => dummy('Manager', 'Process'));
