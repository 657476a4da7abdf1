import type { Measure } from '../figures/support.ts';

/** Node-side peer measurements (bare Node and piscina), by key; loaded when needed. */
const modules: Record<string, () => Promise<Record<string, unknown>>> = {
  node: () => import('./node.ts'),
  uds: () => import('./uds.ts'),
  piscina: () => import('./piscina.ts'),
};

const home: Record<string, keyof typeof modules> = {
  fork_exit_ms: 'node',
  fork_ready_ms: 'node',
  node_rss_mb: 'node',
  uds_pingpong_rt_per_s: 'uds',
  uds_oneway_msgs_per_s: 'uds',
  uds_1mib_mib_per_s: 'uds',
  piscina_tasks_per_s: 'piscina',
  piscina_sequential_tasks_per_s: 'piscina',
};

export const PEER_KEYS: readonly string[] = Object.keys(home);

export async function loadPeerMeasure(key: string): Promise<Measure> {
  const where = home[key];
  if (!where) throw new Error(`No peer measurement ${key}. This is a bug in @proc/bench.`);
  const fn = (await modules[where]())[key];
  if (typeof fn !== 'function') throw new Error(`peers/${where}.ts does not export ${key}. This is a bug in @proc/bench.`);
  return fn as Measure;
}
