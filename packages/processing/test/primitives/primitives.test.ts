import { definePrimitivesSuite } from '../conformance/primitives.js';

const api = await import('@proc/processing');

definePrimitivesSuite(api, { processes: true, signals: true, pid: true });
