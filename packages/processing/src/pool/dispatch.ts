/**
 * Which queued tasks go to which worker, and in which frames. Pure planning: the engine sends.
 */
import type { Task } from './task.js';
import type { TaskQueue } from './task-queue.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * How much work (estimated from measured run times) the pool hands a worker ahead: enough that
 * a worker never waits for a round trip between fast tasks, little enough that nothing waits
 * behind a slow task on a worker (so a crash or an abort touches only that task, and an idle
 * worker can take what is queued).
 */
export const AHEAD_MICROS = 5000;
const MAX_AHEAD_TASKS = 512;
/** Items per tasks frame (a larger chunk travels alone). */
const FRAME_ITEMS = 4096;

/**
 * The run time a task is expected to take, in microseconds. A function not measured yet
 * counts as a full share: nothing is queued behind it on its worker until it is known.
 */
export function estimate(task: Task): number {
  const per = task.fn.microsPerItem;
  return per < 0 ? AHEAD_MICROS : per * task.items;
}

/**
 * Takes tasks off the queue for the `ready` workers, one to each in turn (so every worker
 * starts at once), until each holds its share of work ahead. Records them as held; returns
 * each worker's new tasks, in order.
 */
export function assign(queue: TaskQueue, ready: WorkerHandle[], maxTasks: number | undefined): Task[][] {
  const batches: Task[][] = ready.map(() => []);
  let progress = true;
  while (progress) {
    progress = false;
    for (let k = 0; k < ready.length; k++) {
      const task = queue.peek();
      if (!task) return batches;
      const w = ready[k];
      const est = estimate(task);
      if (w.held.size > 0 && (w.heldMicros + est > AHEAD_MICROS || w.held.size >= MAX_AHEAD_TASKS)) continue;
      if (maxTasks !== undefined && w.dispatched >= maxTasks) continue;
      queue.shift();
      w.hold(task, est);
      batches[k].push(task);
      progress = true;
    }
  }
  return batches;
}

/**
 * Cuts each batch into frames of at most FRAME_ITEMS items and hands them to `send` in turns
 * across workers: a worker starts on its first frame while the pool still encodes the next.
 */
export function sendInFrames(batches: Task[][], send: (k: number, tasks: Task[]) => void): void {
  const cursors = batches.map(() => 0);
  let more = true;
  while (more) {
    more = false;
    for (let k = 0; k < batches.length; k++) {
      const batch = batches[k];
      let i = cursors[k];
      if (i >= batch.length) continue;
      const start = i;
      let items = 0;
      while (i < batch.length && (i === start || items + batch[i].items <= FRAME_ITEMS)) items += batch[i++].items;
      cursors[k] = i;
      send(k, start === 0 && i === batch.length ? batch : batch.slice(start, i));
      if (i < batch.length) more = true;
    }
  }
}
