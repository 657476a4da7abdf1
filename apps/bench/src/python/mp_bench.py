#!/usr/bin/env python3
"""CPython multiprocessing, measured on the same workloads as @proc/bench's figures.

Usage: mp_bench.py [--trials K] [--dur SECONDS] [--pool-tasks N] [--start-reps R] NAME [NAME ...]

Runs each named figure (a warm-up, then K trials; round-trip figures on a fresh pair of
processes per trial) and prints one line, "@@proc-bench-result " followed by JSON:
  {"figures": {NAME: {"trials": [...]} or {"error": "..."}}, "meta": {"python": "3.11.7"}}
The app runs one NAME per call, so that a timeout kills only that figure.
Start method: 'fork' (Linux's default up to 3.13) unless the figure names another.
"""
import json
import multiprocessing as mp
import multiprocessing.dummy as mpd
import os
import queue
import shutil
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Client, Listener

MARKER = "@@proc-bench-result "
now = time.perf_counter
OPT = {"trials": 3, "dur": 0.3, "pool-tasks": 20000, "start-reps": 5}
KEY = b"proc-bench-key"
CTX = None  # set in main: mp.get_context("fork")


# ---------- helpers ----------
def timed_loop(body, dur, k=64):
    """body(k) does k ops; runs for about dur seconds; returns ops/s."""
    ops, t0 = 0, now()
    while True:
        body(k)
        ops += k
        el = now() - t0
        if el >= dur:
            return ops / el


def trials(trial, warmup=None):
    (warmup or trial)()
    return [trial() for _ in range(OPT["trials"])]


def fresh_trials(trial):
    """Trials that start fresh processes and warm them up themselves (100 round trips first)."""
    return [trial() for _ in range(OPT["trials"])]


def calibrated(run, n0):
    """run(n) moves n items and returns items/s: warm-up runs size the trials to ~dur.

    A short run can overstate the steady rate many times over (between threads, a producer
    may fill the queue before the GIL ever switches), so the warm-up grows until one run lasts
    a fifth of the trial length, and sizes the trials from that run's rate.
    """
    n = n0
    while True:
        t0 = now()
        rate = run(n)
        if now() - t0 >= OPT["dur"] / 5 or n >= 5_000_000:
            break
        n = min(5_000_000, n * 4)
    n = max(n0, min(5_000_000, int(rate * OPT["dur"])))
    return [run(n) for _ in range(OPT["trials"])]


def tmpfile(tag):
    fd, path = tempfile.mkstemp(prefix="proc-bench-py-" + tag)
    os.close(fd)
    return path


def read_number(path):
    with open(path) as f:
        v = float(f.read())
    os.unlink(path)
    return v


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


# ---------- child targets (module level, so spawn and forkserver can import them) ----------
def _noop():
    pass


def _sq(x):
    return x * x


def _put_ints(q, n):
    for i in range(n):
        q.put(i & 0xFF)
    q.put(None)


def _put_obj(q, n, obj):
    for _ in range(n):
        q.put(obj)
    q.put(None)


def _pipe_sender(conn, n):
    for i in range(n):
        conn.send(i & 0xFF)
    conn.send(None)
    conn.close()


def _pipe_echo(conn):
    while True:
        x = conn.recv()
        if x is None:
            break
        conn.send(x)
    conn.close()


def _client_sender(addr, n, size):
    c = Client(addr, family="AF_UNIX", authkey=KEY)
    msg = b"x" * size
    for _ in range(n):
        c.send_bytes(msg)
    c.send_bytes(b"")
    c.close()


def _client_echo(addr):
    c = Client(addr, family="AF_UNIX", authkey=KEY)
    while True:
        b = c.recv_bytes()
        if not b:
            break
        c.send_bytes(b)
    c.close()


def _rate_to_file(op, dur, path):
    for _ in range(100):
        op()

    def body(k):
        for _ in range(k):
            op()

    r = timed_loop(body, dur)
    with open(path, "w") as f:
        f.write(repr(r))


def _dict_get_child(d, dur, path):
    _rate_to_file(lambda: d["x"], dur, path)


def _lock_loop(lock, dur, path):
    def op():
        lock.acquire()
        lock.release()

    _rate_to_file(op, dur, path)


def _report_rss(path):
    with open(path, "w") as f:
        f.write(repr(rss_mib()))


# ---------- figures ----------
def map_get_per_s():
    d = {"x": 1}

    def body(k):
        for _ in range(k):
            d["x"]

    return trials(lambda: timed_loop(body, OPT["dur"], 10000))


def dict_get_parent_per_s():
    def trial():
        m = CTX.Manager()
        try:
            d = m.dict({"x": 1})
            for _ in range(100):
                d["x"]

            def body(k):
                for _ in range(k):
                    d["x"]

            return timed_loop(body, OPT["dur"])
        finally:
            m.shutdown()

    return fresh_trials(trial)


def _manager_child_rate(make, target):
    """A fresh manager per trial; a child runs target(obj, dur, path) on make(manager)'s proxy."""
    def trial():
        m = CTX.Manager()
        try:
            obj = make(m)  # held until the child is done: the proxy's refcount keeps it served
            path = tmpfile("rate")
            p = CTX.Process(target=target, args=(obj, OPT["dur"], path))
            p.start()
            p.join()
            del obj
            return read_number(path)
        finally:
            m.shutdown()

    return fresh_trials(trial)


def dict_get_child_per_s():
    return _manager_child_rate(lambda m: m.dict({"x": 1}), _dict_get_child)


def _child_to_parent(q, p):
    p.start()
    q.get()  # the first item: process start is not counted
    t0 = now()
    got = 1
    while q.get() is not None:
        got += 1
    t = now() - t0
    p.join()
    return (got - 1) / t


def queue_process_items_per_s():
    def run(n):
        q = CTX.Queue()
        r = _child_to_parent(q, CTX.Process(target=_put_ints, args=(q, n)))
        q.close()
        return r

    return calibrated(run, 2000)


def queue_process_1kib_items_per_s():
    payload = b"\x01" * 1024

    def run(n):
        q = CTX.Queue()
        r = _child_to_parent(q, CTX.Process(target=_put_obj, args=(q, n, payload)))
        q.close()
        return r

    return calibrated(run, 2000)


def manager_queue_items_per_s():
    m = CTX.Manager()
    try:
        def run(n):
            q = m.Queue()
            return _child_to_parent(q, CTX.Process(target=_put_ints, args=(q, n)))

        return calibrated(run, 500)
    finally:
        m.shutdown()


def queue_thread_items_per_s():
    def run(n):
        q = queue.Queue()

        def prod():
            for i in range(n):
                q.put(i & 0xFF)
            q.put(None)

        th = threading.Thread(target=prod)
        th.start()
        q.get()
        t0 = now()
        got = 1
        while q.get() is not None:
            got += 1
        t = now() - t0
        th.join()
        return (got - 1) / t

    return calibrated(run, 2000)


def pipe_oneway_msgs_per_s():
    def run(n):
        a, b = CTX.Pipe()
        p = CTX.Process(target=_pipe_sender, args=(b, n))
        p.start()
        a.recv()
        t0 = now()
        got = 1
        while a.recv() is not None:
            got += 1
        t = now() - t0
        p.join()
        a.close()
        b.close()
        return (got - 1) / t

    return calibrated(run, 2000)


def pipe_pingpong_rt_per_s():
    def trial():
        a, b = CTX.Pipe()
        p = CTX.Process(target=_pipe_echo, args=(b,))
        p.start()
        for i in range(100):
            a.send(i)
            a.recv()

        def body(k):
            for i in range(k):
                a.send(i & 0xFF)
                a.recv()

        r = timed_loop(body, OPT["dur"])
        a.send(None)
        p.join()
        a.close()
        b.close()
        return r

    return fresh_trials(trial)


class _Listening:
    """An AF_UNIX Listener with an authkey, in a private temp folder."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="proc-bench-py-")
        self.addr = os.path.join(self.dir, "sock")
        self.listener = Listener(self.addr, family="AF_UNIX", authkey=KEY)
        return self

    def __exit__(self, *exc):
        self.listener.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _conn_oneway(size, n0):
    def run(n):
        with _Listening() as ls:
            p = CTX.Process(target=_client_sender, args=(ls.addr, n, size))
            p.start()
            c = ls.listener.accept()
            c.recv_bytes()
            t0 = now()
            got = 1
            while c.recv_bytes():
                got += 1
            t = now() - t0
            c.close()
            p.join()
            return (got - 1) / t

    return calibrated(run, n0)


def conn_oneway_msgs_per_s():
    return _conn_oneway(64, 2000)


def conn_1mib_mib_per_s():
    return _conn_oneway(1 << 20, 20)


def conn_pingpong_rt_per_s():
    def trial():
        with _Listening() as ls:
            p = CTX.Process(target=_client_echo, args=(ls.addr,))
            p.start()
            c = ls.listener.accept()
            msg = b"y" * 64
            for _ in range(100):
                c.send_bytes(msg)
                c.recv_bytes()

            def body(k):
                for _ in range(k):
                    c.send_bytes(msg)
                    c.recv_bytes()

            r = timed_loop(body, OPT["dur"])
            c.send_bytes(b"")
            p.join()
            c.close()
            return r

    return fresh_trials(trial)


def conn_handshake_ms():
    with _Listening() as ls:
        stop = threading.Event()

        def acceptor():
            while not stop.is_set():
                try:
                    ls.listener.accept().close()
                except Exception:
                    return

        threading.Thread(target=acceptor, daemon=True).start()

        def trial():
            lat = []
            for _ in range(10):
                t0 = now()
                c = Client(ls.addr, family="AF_UNIX", authkey=KEY)
                lat.append((now() - t0) * 1e3)
                c.close()
            return statistics.median(lat)

        r = trials(trial)
        stop.set()
        return r


def _start_join(ctx):
    t0 = now()
    p = ctx.Process(target=_noop)
    p.start()
    p.join()
    return (now() - t0) * 1e3


def _start_figure(method):
    ctx = mp.get_context(method)

    def trial():
        return statistics.median([_start_join(ctx) for _ in range(OPT["start-reps"])])

    return lambda: trials(trial, lambda: _start_join(ctx))


start_spawn_ms = _start_figure("spawn")
start_fork_ms = _start_figure("fork")
start_forkserver_ms = _start_figure("forkserver")


def start_forkserver_sustained_per_s():
    ctx = mp.get_context("forkserver")
    dur = max(0.5, OPT["dur"])

    def trial():
        n, t0 = 0, now()
        while now() - t0 < dur:
            _start_join(ctx)
            n += 1
        return n / (now() - t0)

    return trials(trial, lambda: _start_join(ctx))


def manager_start_ms():
    def trial():
        t0 = now()
        m = CTX.Manager()
        m.dict()  # the first proxy: ready for use
        r = (now() - t0) * 1e3
        m.shutdown()
        return r

    return trials(trial)


def _with_pool(pool_cls, body):
    with pool_cls(2) as pool:
        pool.map(_sq, [1, 2, 3, 4])
        return body(pool)


def _map_figure(pool_cls, n, chunksize=None):
    xs = list(range(n))

    def body(pool):
        def trial():
            t0 = now()
            if chunksize is None:
                pool.map(_sq, xs)
            else:
                pool.map(_sq, xs, chunksize=chunksize)
            return n / (now() - t0)

        return trials(trial)

    return _with_pool(pool_cls, body)


def pool_map_default_tasks_per_s():
    return _map_figure(CTX.Pool, 100_000)


def pool_map_chunk1_tasks_per_s():
    return _map_figure(CTX.Pool, OPT["pool-tasks"], 1)


def dummy_pool_map_chunk1_tasks_per_s():
    return _map_figure(mpd.Pool, OPT["pool-tasks"], 1)


def pool_apply_tasks_per_s():
    def body(pool):
        def loop(k):
            for _ in range(k):
                pool.apply(_sq, (3,))

        return trials(lambda: timed_loop(loop, OPT["dur"]))

    return _with_pool(CTX.Pool, body)


def pool_apply_async_tasks_per_s():
    n = OPT["pool-tasks"]

    def body(pool):
        def trial():
            t0 = now()
            rs = [pool.apply_async(_sq, (i,)) for i in range(n)]
            for r in rs:
                r.get()
            return n / (now() - t0)

        return trials(trial)

    return _with_pool(CTX.Pool, body)


def lock_rt_per_s():
    return _manager_child_rate(lambda m: m.Lock(), _lock_loop)


def child_rss_mb():
    def trial():
        path = tmpfile("rss")
        p = CTX.Process(target=_report_rss, args=(path,))
        p.start()
        p.join()
        return read_number(path)

    return trials(trial)


FIGURES = {
    name: fn
    for name, fn in globals().items()
    if callable(fn) and not name.startswith("_") and (name.endswith("_per_s") or name.endswith("_ms") or name.endswith("_mb"))
}


def main(argv):
    global CTX
    names = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--") and a[2:] in OPT:
            OPT[a[2:]] = type(OPT[a[2:]])(argv[i + 1])
            i += 2
            continue
        names.append(a)
        i += 1
    CTX = mp.get_context("fork")
    out = {}
    for name in names:
        fn = FIGURES.get(name)
        if fn is None:
            out[name] = {"error": "mp_bench.py has no figure " + name}
            continue
        try:
            out[name] = {"trials": [float(v) for v in fn()]}
        except Exception as e:  # one figure's failure is reported, the rest still run
            out[name] = {"error": "%s: %s" % (type(e).__name__, e)}
    meta = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    sys.stdout.write("\n" + MARKER + json.dumps({"figures": out, "meta": meta}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
