import { BaseProxy } from './base-proxy.js';

/** `manager.Array(typecode, values)`: a fixed-length numeric array ('i', 'd', 'q', ...). */
export class ArrayProxy<T extends number | bigint = number> extends BaseProxy {
  get(index: number): Promise<T> {
    return this.$call('get', [index]) as Promise<T>;
  }

  set(index: number, value: T): Promise<void> {
    return this.$call('set', [index, value]) as Promise<void>;
  }

  len(): Promise<number> {
    return this.$call('len') as Promise<number>;
  }

  slice(start?: number, end?: number): Promise<T[]> {
    return this.$call('slice', [start, end]) as Promise<T[]>;
  }

  toArray(): Promise<T[]> {
    return this.$call('toArray') as Promise<T[]>;
  }

  typecode(): Promise<string> {
    return this.$call('typecode') as Promise<string>;
  }
}
