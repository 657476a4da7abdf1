import { definePoolSuite } from '../conformance/pool.js';

// The process backend: workers are processes with pids of their own, and take signals.
const api = await import('@proc/processing');
definePoolSuite(api, { processes: true, signals: true, pid: true });
