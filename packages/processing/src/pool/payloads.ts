/**
 * The bodies of the frames that carry user values (task arguments, results), through proc's
 * codec, with what happens when a value cannot travel: only the tasks concerned fail.
 */
import { deserialize, deserializeAsync, SerializationError, serialize } from '@proc/core';
import type { Task } from './task.js';

export interface EncodedTasks {
  /** The tasks frame body for `sent`, or undefined when none could be sent. */
  body: Uint8Array | undefined;
  sent: Task[];
  /** Tasks whose arguments cannot travel, with the reason. */
  failed: [Task, SerializationError][];
}

/** A tasks frame body: flat `[id, fnId, kind, payload, ...]` (see `ToWorker.Tasks`). */
export function encodeTasks(tasks: Task[]): EncodedTasks {
  const flat = new Array<unknown>(tasks.length * 4);
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    flat[i * 4] = t.id;
    flat[i * 4 + 1] = t.fn.id;
    flat[i * 4 + 2] = t.kind;
    flat[i * 4 + 3] = t.payload;
  }
  try {
    return { body: serialize(flat), sent: tasks, failed: [] };
  } catch {
    // Some task's arguments cannot travel: find which (the rare path), send the rest.
    const sent: Task[] = [];
    const failed: [Task, SerializationError][] = [];
    for (const t of tasks) {
      try {
        serialize(t.payload);
        sent.push(t);
      } catch (err) {
        const e =
          err instanceof SerializationError ? err : new SerializationError(`A task's arguments cannot be sent to a worker: ${(err as Error)?.message}`, { cause: err });
        failed.push([t, e]);
      }
    }
    return { body: sent.length > 0 ? encodeTasks(sent).body : undefined, sent, failed };
  }
}

/**
 * Decodes a results frame (flat `[id, status, value, micros, ...]`) and hands it to `apply`: at
 * once, or after importing the modules a value needs (a Queue, a proxy) when this process has
 * not loaded them yet. A frame that cannot be decoded goes to `fail` with a SerializationError.
 */
export function decodeResults(body: Buffer, apply: (flat: unknown[]) => void, fail: (err: SerializationError) => void): void {
  const undecodable = (err: unknown) =>
    fail(new SerializationError(`A worker's results could not be decoded: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
  let flat: unknown[];
  try {
    flat = deserialize(body) as unknown[];
  } catch (err) {
    if ((err as { code?: string }).code === 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED') {
      // The frame is a view of a receive buffer: decode a copy later.
      void deserializeAsync(Buffer.from(body)).then((v) => apply(v as unknown[]), undecodable);
      return;
    }
    undecodable(err);
    return;
  }
  apply(flat);
}

/** The initializer's error as the worker sent it (or why it could not be read). */
export function decodeError(body: Buffer): unknown {
  try {
    return deserialize(body);
  } catch (err) {
    return err;
  }
}
