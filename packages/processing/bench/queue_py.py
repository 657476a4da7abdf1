"""Python's side of bench/queue.ts: multiprocessing.Queue child->parent and parent->children,
and a manager Lock acquire/release round trip from a child. Prints one JSON line."""
import json
import multiprocessing as mp
import sys
import time


def produce(q, n, size):
    payload = b"x" * size
    for i in range(n):
        q.put(payload if size else i)
    q.put(None)


def lock_loop(lock, n, out):
    t = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    out.put(n / (time.perf_counter() - t))


def consume_all(q, out):
    got = 0
    while q.get() is not None:
        got += 1
    out.put(got)


def to_children_rate(n, k):
    q = mp.Queue()
    out = mp.Queue()
    ps = [mp.Process(target=consume_all, args=(q, out)) for _ in range(k)]
    for p in ps:
        p.start()
    t = time.perf_counter()
    for i in range(n):
        q.put(i & 0xFF)
    for _ in range(k):
        q.put(None)
    for _ in range(k):
        out.get()
    rate = n / (time.perf_counter() - t)
    for p in ps:
        p.join()
    return rate


def queue_rate(n, size):
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q, n, size))
    p.start()
    q.get()
    t = time.perf_counter()
    for _ in range(n - 1):
        q.get()
    rate = (n - 1) / (time.perf_counter() - t)
    q.get()
    p.join()
    return rate


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    locks = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    res = {"ints": queue_rate(n, 0), "kib": queue_rate(n // 4, 1024), "down1": to_children_rate(n, 1), "down2": to_children_rate(n, 2)}
    with mp.Manager() as m:
        lock = m.Lock()
        out = mp.Queue()
        p = mp.Process(target=lock_loop, args=(lock, locks, out))
        p.start()
        res["lock"] = out.get()
        p.join()
    print(json.dumps(res))
