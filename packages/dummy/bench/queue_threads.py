"""Python's queue.Queue between two threads: small ints, items per second (the peer figure)."""
import queue
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def producer(q):
    for i in range(N):
        q.put(i)
    q.put(-1)


def main():
    q = queue.Queue()
    t = threading.Thread(target=producer, args=(q,))
    t0 = time.perf_counter()
    t.start()
    n = 0
    while q.get() != -1:
        n += 1
    t.join()
    print(int(n / (time.perf_counter() - t0)))


main()
