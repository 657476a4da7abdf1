/**
 * Every figure the app reports: its fixed name, unit, direction, and which peer figure it is
 * compared with. Names are fixed by issue 8 (the first block) and must not change; the second
 * block holds figures the app adds. A peer key names a measurement that may serve several
 * figures (it is taken once per run).
 */
export type Unit = 'ops/s' | 'items/s' | 'msgs/s' | 'rt/s' | 'MiB/s' | 'ms' | 'tasks/s' | 'starts/s' | 'MB';

export interface FigureSpec {
  name: string;
  unit: Unit;
  higherIsBetter: boolean;
  /** What is measured, in the seed's terms. */
  what: string;
  /** Key of the CPython measurement in src/python/mp_bench.py. */
  python?: string;
  /** Key of a piscina measurement (src/peers/piscina.ts). */
  piscina?: string;
  /** Key of a bare-Node measurement (src/peers/node.ts). */
  node?: string;
}

const fixed: FigureSpec[] = [
  { name: 'dict_get_parent_per_s', unit: 'ops/s', higherIsBetter: true, what: "Manager().dict() get d.get('x') from the parent, awaited one at a time", python: 'dict_get_parent_per_s', node: 'uds_pingpong_rt_per_s' },
  { name: 'dict_get_child_per_s', unit: 'ops/s', higherIsBetter: true, what: 'the same get from a child Process the proxy was passed to', python: 'dict_get_child_per_s', node: 'uds_pingpong_rt_per_s' },
  { name: 'dict_get_pipelined_per_s', unit: 'ops/s', higherIsBetter: true, what: "manager dict gets from the parent, 1,000 in flight (Python: its sequential d['x'], which cannot pipeline)", python: 'dict_get_parent_per_s' },
  { name: 'map_get_per_s', unit: 'ops/s', higherIsBetter: true, what: "a local Map get (Python: a plain dict's d['x'])", python: 'map_get_per_s' },
  { name: 'queue_process_items_per_s', unit: 'items/s', higherIsBetter: true, what: 'Queue, small ints from a child to its parent (multiprocessing.Queue)', python: 'queue_process_items_per_s', node: 'uds_oneway_msgs_per_s' },
  { name: 'manager_queue_items_per_s', unit: 'items/s', higherIsBetter: true, what: 'Manager().Queue(), small ints from a child to the parent', python: 'manager_queue_items_per_s' },
  { name: 'queue_thread_items_per_s', unit: 'items/s', higherIsBetter: true, what: '@proc/dummy Queue from a worker thread to the main thread (queue.Queue between two threads)', python: 'queue_thread_items_per_s' },
  { name: 'pipe_oneway_msgs_per_s', unit: 'msgs/s', higherIsBetter: true, what: 'Pipe(), small ints from a child to the parent', python: 'pipe_oneway_msgs_per_s', node: 'uds_oneway_msgs_per_s' },
  { name: 'pipe_pingpong_rt_per_s', unit: 'rt/s', higherIsBetter: true, what: 'Pipe() ping-pong with a child echoing', python: 'pipe_pingpong_rt_per_s', node: 'uds_pingpong_rt_per_s' },
  { name: 'conn_oneway_msgs_per_s', unit: 'msgs/s', higherIsBetter: true, what: 'Listener/Client, Unix socket + authkey, 64 B sendBytes from a child', python: 'conn_oneway_msgs_per_s', node: 'uds_oneway_msgs_per_s' },
  { name: 'conn_pingpong_rt_per_s', unit: 'rt/s', higherIsBetter: true, what: 'Listener/Client, Unix socket + authkey, 64 B ping-pong with a child', python: 'conn_pingpong_rt_per_s', node: 'uds_pingpong_rt_per_s' },
  { name: 'conn_1mib_mib_per_s', unit: 'MiB/s', higherIsBetter: true, what: 'Listener/Client, Unix socket + authkey, 1 MiB sendBytes from a child', python: 'conn_1mib_mib_per_s', node: 'uds_1mib_mib_per_s' },
  { name: 'conn_handshake_ms', unit: 'ms', higherIsBetter: false, what: 'Client() connect + authkey handshake to a Listener (median)', python: 'conn_handshake_ms' },
  { name: 'start_spawn_ms', unit: 'ms', higherIsBetter: false, what: "Process start+join of a trivial target, start method 'spawn' (median)", python: 'start_spawn_ms', node: 'fork_exit_ms' },
  { name: 'start_fork_ms', unit: 'ms', higherIsBetter: false, what: "Process start+join of a trivial target, start method 'fork' (Node: child_process.fork; Python: os.fork)", python: 'start_fork_ms', node: 'fork_exit_ms' },
  { name: 'start_forkserver_ms', unit: 'ms', higherIsBetter: false, what: "Process start+join, start method 'forkserver', a spare ready (median)", python: 'start_forkserver_ms', node: 'fork_exit_ms' },
  { name: 'manager_start_ms', unit: 'ms', higherIsBetter: false, what: 'Manager() to ready (first proxy made), median', python: 'manager_start_ms', node: 'fork_ready_ms' },
  { name: 'pool_map_default_tasks_per_s', unit: 'tasks/s', higherIsBetter: true, what: 'Pool({ processes: 2 }).map(square, 100k) at the default chunksize', python: 'pool_map_default_tasks_per_s', piscina: 'piscina_tasks_per_s' },
  { name: 'pool_map_chunk1_tasks_per_s', unit: 'tasks/s', higherIsBetter: true, what: 'Pool({ processes: 2 }).map(square, xs, { chunksize: 1 })', python: 'pool_map_chunk1_tasks_per_s', piscina: 'piscina_tasks_per_s' },
  { name: 'pool_apply_tasks_per_s', unit: 'tasks/s', higherIsBetter: true, what: 'Pool.apply(square, [3]) awaited one at a time', python: 'pool_apply_tasks_per_s', piscina: 'piscina_sequential_tasks_per_s' },
  { name: 'dummy_pool_map_chunk1_tasks_per_s', unit: 'tasks/s', higherIsBetter: true, what: '@proc/dummy Pool (2 threads) map with chunksize 1 (Python: multiprocessing.dummy.Pool)', python: 'dummy_pool_map_chunk1_tasks_per_s', piscina: 'piscina_tasks_per_s' },
  { name: 'child_rss_mb', unit: 'MB', higherIsBetter: false, what: "a running child Process's RSS (Node peer: a bare node process)", python: 'child_rss_mb', node: 'node_rss_mb' },
];

const added: FigureSpec[] = [
  { name: 'queue_process_1kib_items_per_s', unit: 'items/s', higherIsBetter: true, what: 'Queue, 1 KiB byte payloads from a child to its parent', python: 'queue_process_1kib_items_per_s' },
  { name: 'start_forkserver_sustained_per_s', unit: 'starts/s', higherIsBetter: true, what: "back-to-back Process start+join, start method 'forkserver'", python: 'start_forkserver_sustained_per_s' },
  { name: 'lock_rt_per_s', unit: 'rt/s', higherIsBetter: true, what: 'Lock acquire+release from a child (Python: a Manager Lock)', python: 'lock_rt_per_s', node: 'uds_pingpong_rt_per_s' },
  { name: 'pool_apply_async_tasks_per_s', unit: 'tasks/s', higherIsBetter: true, what: 'Pool.applyAsync(square) x N, then every result', python: 'pool_apply_async_tasks_per_s', piscina: 'piscina_tasks_per_s' },
  { name: 'dummy_dict_get_main_per_s', unit: 'ops/s', higherIsBetter: true, what: "@proc/dummy Manager dict get from the main thread (Python: its process Manager's d['x'])", python: 'dict_get_parent_per_s' },
  { name: 'dummy_dict_get_worker_per_s', unit: 'ops/s', higherIsBetter: true, what: "@proc/dummy Manager dict get from a worker thread (Python: its process Manager's d['x'])", python: 'dict_get_parent_per_s' },
];

/** The names issue 8 fixes: every one appears in the JSON, measured or with an error. */
export const FIXED_NAMES: readonly string[] = fixed.map((f) => f.name);

export const FIGURES: readonly FigureSpec[] = [...fixed, ...added];

export function figureSpec(name: string): FigureSpec {
  const spec = FIGURES.find((f) => f.name === name);
  if (!spec) throw new Error(`No figure named ${name}. This is a bug in @proc/bench.`);
  return spec;
}
