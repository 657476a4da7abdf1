import { BaseProxy } from './base-proxy.js';

/** `manager.list()`: Python's list. Negative indexes count from the end. */
export class ListProxy<T = unknown> extends BaseProxy {
  append(value: T): Promise<void> {
    return this.$call('append', [value]) as Promise<void>;
  }

  extend(values: Iterable<T>): Promise<void> {
    return this.$call('extend', [Array.isArray(values) ? values : [...values]]) as Promise<void>;
  }

  /** `IndexError` when out of range. */
  get(index: number): Promise<T> {
    return this.$call('get', [index]) as Promise<T>;
  }

  set(index: number, value: T): Promise<void> {
    return this.$call('set', [index, value]) as Promise<void>;
  }

  len(): Promise<number> {
    return this.$call('len') as Promise<number>;
  }

  /** Removes and returns the item at `index` (default: the last). */
  pop(index?: number): Promise<T> {
    return this.$call('pop', index === undefined ? [] : [index]) as Promise<T>;
  }

  insert(index: number, value: T): Promise<void> {
    return this.$call('insert', [index, value]) as Promise<void>;
  }

  /** Removes the first item deep-equal to `value` (`ValueError` when none). */
  remove(value: T): Promise<void> {
    return this.$call('remove', [value]) as Promise<void>;
  }

  /** The index of the first item deep-equal to `value` (`ValueError` when none). */
  index(value: T, start?: number, end?: number): Promise<number> {
    return this.$call('index', [value, start, end]) as Promise<number>;
  }

  count(value: T): Promise<number> {
    return this.$call('count', [value]) as Promise<number>;
  }

  includes(value: T): Promise<boolean> {
    return this.$call('includes', [value]) as Promise<boolean>;
  }

  slice(start?: number, end?: number): Promise<T[]> {
    return this.$call('slice', [start, end]) as Promise<T[]>;
  }

  /** Python's `l[start:end] = values`. */
  setSlice(start: number | null, end: number | null, values: T[]): Promise<void> {
    return this.$call('setSlice', [start, end, values]) as Promise<void>;
  }

  reverse(): Promise<void> {
    return this.$call('reverse') as Promise<void>;
  }

  sort(options?: { reverse?: boolean }): Promise<void> {
    return this.$call('sort', options ? [options] : []) as Promise<void>;
  }

  clear(): Promise<void> {
    return this.$call('clear') as Promise<void>;
  }

  /** A local copy. */
  copy(): Promise<T[]> {
    return this.$call('copy') as Promise<T[]>;
  }
}
