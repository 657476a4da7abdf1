import type { Measure } from './support.ts';

/** Where each figure's proc measurement lives; modules load only when their figure runs. */
const modules: Record<string, () => Promise<Record<string, unknown>>> = {
  local: () => import('./local.ts'),
  manager: () => import('./manager.ts'),
  queue: () => import('./queue.ts'),
  pipe: () => import('./pipe.ts'),
  connection: () => import('./connection.ts'),
  start: () => import('./start.ts'),
  pool: () => import('./pool.ts'),
  dummy: () => import('./dummy.ts'),
  lock: () => import('./lock.ts'),
  memory: () => import('./memory.ts'),
};

const home: Record<string, keyof typeof modules> = {
  map_get_per_s: 'local',
  dict_get_parent_per_s: 'manager',
  dict_get_child_per_s: 'manager',
  dict_get_pipelined_per_s: 'manager',
  manager_queue_items_per_s: 'manager',
  manager_start_ms: 'manager',
  queue_process_items_per_s: 'queue',
  queue_process_1kib_items_per_s: 'queue',
  queue_thread_items_per_s: 'dummy',
  dummy_dict_get_main_per_s: 'dummy',
  dummy_dict_get_worker_per_s: 'dummy',
  pipe_oneway_msgs_per_s: 'pipe',
  pipe_pingpong_rt_per_s: 'pipe',
  conn_oneway_msgs_per_s: 'connection',
  conn_pingpong_rt_per_s: 'connection',
  conn_1mib_mib_per_s: 'connection',
  conn_handshake_ms: 'connection',
  start_spawn_ms: 'start',
  start_fork_ms: 'start',
  start_forkserver_ms: 'start',
  start_forkserver_sustained_per_s: 'start',
  pool_map_default_tasks_per_s: 'pool',
  pool_map_chunk1_tasks_per_s: 'pool',
  pool_apply_tasks_per_s: 'pool',
  pool_apply_async_tasks_per_s: 'pool',
  dummy_pool_map_chunk1_tasks_per_s: 'pool',
  lock_rt_per_s: 'lock',
  child_rss_mb: 'memory',
};

export function hasMeasure(name: string): boolean {
  return name in home;
}

export async function loadMeasure(name: string): Promise<Measure> {
  const where = home[name];
  if (!where) throw new Error(`No proc measurement for ${name}. This is a bug in @proc/bench.`);
  const mod = await modules[where]();
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${where}.ts does not export ${name}. This is a bug in @proc/bench.`);
  return fn as Measure;
}
