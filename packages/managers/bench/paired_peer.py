"""Python's side of bench/paired.ts: one turn, one JSON line (dict get parent/child, Queue child->parent)."""
import json, time
from multiprocessing import Manager, Process, Queue
def produce(q, n):
    for i in range(n): q.put(i & 0xff)
    q.put(None)
def child_gets(d, n, out):
    t = time.perf_counter()
    for _ in range(n): d['x']
    out.put(n / (time.perf_counter() - t))
if __name__ == '__main__':
    N = 20000
    m = Manager(); d = m.dict(); d['x'] = 1
    for _ in range(2000): d['x']
    t = time.perf_counter()
    for _ in range(N): d['x']
    parent = N / (time.perf_counter() - t)
    out = Queue(); c = Process(target=child_gets, args=(d, N, out)); c.start(); child = out.get(); c.join()
    q = m.Queue(); p = Process(target=produce, args=(q, 20000)); p.start()
    q.get(); t = time.perf_counter(); n = 1
    while q.get() is not None: n += 1
    queue = (n - 1) / (time.perf_counter() - t); p.join(); m.shutdown()
    print(json.dumps({'parent': parent, 'child': child, 'queue': queue}))
