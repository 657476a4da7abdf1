import { deserialize, serialize } from '../src/serialize/index.js';

const vals: unknown[] = [42, -1, -0, NaN, 2**40, 'hi', 'héllo wörld ✓ 🎉', undefined, null, 10n, -255n, new Date(5), /a+/gi, new Map([[1,{a:1}]]), new Set([1,'x']), Buffer.from('abc'), new Float64Array([1.5,2]), { id: 1, name: 'x', tags: ['a', 'b'] }, [1,,3], new Error('boom', {cause: new TypeError('inner')}), 'x'.repeat(100), 'é'.repeat(40)];
for (const v of vals) { const b = serialize(v); console.log(b.length, deserialize(b)); }
const c: any = {a: 1}; c.self = c; c.arr = [c]; const r: any = deserialize(serialize(c)); console.log(r.self === r, r.arr[0] === r);
try { serialize({ a: [1, { f() {} }] }, { label: 'args' }); } catch (e) { console.log(String(e)); }
