"""Python's multiprocessing.Pool peer of bench/pool.ts: the same figures, printed as one JSON line.

Usage: python3 pool_peer.py [--trials K] [--tasks N] [--c1-tasks N] [--dur SECONDS] [--only FIGURE]
Start method 'fork' (Linux's default up to 3.13), 2 processes, one pool for all trials, warmed
by a small map, as the Node side does.
"""
import json
import multiprocessing as mp
import statistics
import sys
import time

now = time.perf_counter


def sq(x):
    return x * x


def opt(name, default, cast=int):
    if name in sys.argv:
        return cast(sys.argv[sys.argv.index(name) + 1])
    return default


def median_of(trial, k):
    trial()  # warm-up
    return statistics.median(trial() for _ in range(k))


def main():
    k = opt("--trials", 5)
    n = opt("--tasks", 100_000)
    n1 = opt("--c1-tasks", 20_000)
    dur = opt("--dur", 0.5, float)
    ctx = mp.get_context("fork")
    out = {}
    with ctx.Pool(2) as pool:
        pool.map(sq, [1, 2, 3, 4])
        xs = list(range(n))

        def map_default():
            t = now()
            pool.map(sq, xs)
            return n / (now() - t)

        xs1 = list(range(n1))

        def map_c1():
            t = now()
            pool.map(sq, xs1, chunksize=1)
            return n1 / (now() - t)

        def apply_seq():
            ops, t = 0, now()
            while now() - t < dur:
                for _ in range(64):
                    pool.apply(sq, (3,))
                ops += 64
            return ops / (now() - t)

        def apply_async():
            t = now()
            rs = [pool.apply_async(sq, (i,)) for i in range(n1)]
            for r in rs:
                r.get()
            return n1 / (now() - t)

        figures = {"map_default": map_default, "map_chunk1": map_c1, "apply_seq": apply_seq, "apply_async": apply_async}
        only = opt("--only", None, str)
        for name, trial in figures.items():
            if only is None or name == only:
                out[name] = median_of(trial, k)
    print(json.dumps({"python": sys.version.split()[0], "figures": out}))


if __name__ == "__main__":
    main()
