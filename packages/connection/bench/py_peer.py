"""Python side of bench/conn.ts: the same roles as node-peer.ts, with multiprocessing.connection.

usage: py_peer.py ROLE ARGS...   (prints one JSON line; listeners first print their address)
"""
import json
import sys
import time
from multiprocessing import Pipe, Process
from multiprocessing.connection import Client, Listener

KEY = b"bench key"


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def listen():
    listener = Listener(None, authkey=KEY)
    out(listener.address)
    return listener


def role_sink(count):
    listener = listen()
    conn = listener.accept()
    for _ in range(count):
        conn.recv_bytes()
    conn.send_bytes(b"done")
    try:
        conn.recv_bytes()  # until the client closes
    except EOFError:
        pass


def role_echo():
    listener = listen()
    conn = listener.accept()
    try:
        while True:
            conn.send_bytes(conn.recv_bytes())
    except EOFError:
        pass


def role_accept(count):
    listener = listen()
    for _ in range(count):
        listener.accept().close()


def role_source(address, size, count):
    conn = Client(address, authkey=KEY)
    payload = b"x" * size
    t0 = time.perf_counter()
    for _ in range(count):
        conn.send_bytes(payload)
    conn.recv_bytes()
    out({"seconds": time.perf_counter() - t0})
    conn.close()


def role_ping(address, count):
    conn = Client(address, authkey=KEY)
    payload = b"x" * 64
    t0 = time.perf_counter()
    for _ in range(count):
        conn.send_bytes(payload)
        conn.recv_bytes()
    out({"seconds": time.perf_counter() - t0})
    conn.close()


def role_connect(address, count):
    t0 = time.perf_counter()
    for _ in range(count):
        Client(address, authkey=KEY).close()
    out({"seconds": time.perf_counter() - t0})


def pipe_sink(conn, count):
    conn.send("ready")
    for _ in range(count):
        conn.recv()
    conn.send("done")


def role_pipe(count):
    a, b = Pipe()
    p = Process(target=pipe_sink, args=(b, count))
    p.start()
    a.recv()  # the child is up: time the pipe, not the start
    value = {"i": 1, "name": "small", "ok": True}
    t0 = time.perf_counter()
    for _ in range(count):
        a.send(value)
    a.recv()
    out({"seconds": time.perf_counter() - t0})
    p.join()


if __name__ == "__main__":
    role, args = sys.argv[1], sys.argv[2:]
    if role == "sink":
        role_sink(int(args[0]))
    elif role == "echo":
        role_echo()
    elif role == "accept":
        role_accept(int(args[0]))
    elif role == "source":
        role_source(json.loads(args[0]), int(args[1]), int(args[2]))
    elif role == "ping":
        role_ping(json.loads(args[0]), int(args[1]))
    elif role == "connect":
        role_connect(json.loads(args[0]), int(args[1]))
    elif role == "pipe":
        role_pipe(int(args[0]))
