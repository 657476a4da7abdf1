"""Python's managers, measured the way bench/manager.ts measures ours (same machine, same run).
Prints one JSON line: dict get rates (parent, child), Manager Queue child->parent, Manager() start."""
import json
import sys
import time
from multiprocessing import Manager, Process, Queue
from multiprocessing.managers import SyncManager

N_GET = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
N_Q = int(sys.argv[2]) if len(sys.argv) > 2 else 20000


def gets(d, n):
    t = time.perf_counter()
    for _ in range(n):
        d['x']
    return n / (time.perf_counter() - t)


def child_gets(d, n, out):
    out.put(gets(d, n))


def produce(q, n):
    for i in range(n):
        q.put(i)
    q.put(None)


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


if __name__ == '__main__':
    t = time.perf_counter()
    m = Manager()
    start_ms = (time.perf_counter() - t) * 1000
    d = m.dict()
    d['x'] = 1
    parent = median([gets(d, N_GET) for _ in range(3)])
    child = []
    for _ in range(3):
        out = Queue()
        p = Process(target=child_gets, args=(d, N_GET, out))
        p.start()
        child.append(out.get())
        p.join()
    q = m.Queue()
    qs = []
    for _ in range(3):
        p = Process(target=produce, args=(q, N_Q))
        p.start()
        t = time.perf_counter()
        n = 0
        while q.get() is not None:
            n += 1
        qs.append(n / (time.perf_counter() - t))
        p.join()
    m.shutdown()
    print(json.dumps({'start_ms': start_ms, 'dict_get_parent': parent, 'dict_get_child': median(child), 'queue_child_to_parent': median(qs)}))
