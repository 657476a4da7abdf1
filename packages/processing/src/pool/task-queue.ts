import { type Task, type TaskOwner, TaskState } from './task.js';

/**
 * The tasks no worker holds yet, first in first out. Withdrawn tasks stay in place (marked
 * Done) and are skipped; a slot is cleared as soon as its task leaves, so the queue never keeps
 * a dispatched task's payload alive.
 */
export class TaskQueue {
  #items: (Task | undefined)[] = [];
  #head = 0;

  /** Slots not yet passed (withdrawn tasks included until `peek` skips them). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  push(task: Task): void {
    this.#items.push(task);
  }

  /** The next task still queued, skipping withdrawn ones. */
  peek(): Task | undefined {
    const items = this.#items;
    while (this.#head < items.length) {
      const t = items[this.#head] as Task;
      if (t.state === TaskState.Queued) return t;
      items[this.#head++] = undefined;
    }
    return undefined;
  }

  /** Removes the task `peek` returned. */
  shift(): void {
    this.#items[this.#head++] = undefined;
    // Drop the passed slots now and then (not on every shift: that would copy every time).
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Puts tasks a worker gave back ahead of everything else, in their order. */
  unshift(tasks: Task[]): void {
    this.#items = [...tasks, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Every task still queued that `owner` submitted. */
  ownedBy(owner: TaskOwner): Task[] {
    const out: Task[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const t = this.#items[i] as Task;
      if (t.owner === owner && t.state === TaskState.Queued) out.push(t);
    }
    return out;
  }

  /** Empties the queue; returns the tasks that were still queued. */
  clear(): Task[] {
    const out: Task[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const t = this.#items[i] as Task;
      if (t.state === TaskState.Queued) out.push(t);
    }
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
