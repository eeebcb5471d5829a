"""A FIFO as the source: writers that come and go, back-pressure while the
network is down, and fifoOverflow "drop" for writers that must never block."""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Agent, Endpoint, Writer, flow, free_port, numbers, test,  # noqa: E402
                     wait_until, write_conf)

CHUNK = 400     # 3,600 bytes a write: below PIPE_BUF, so writers never interleave inside a line


def fifo_conf(tmp, port, **kw):
    path = tmp + "/log.fifo"
    os.mkfifo(path)
    ep = Endpoint(tmp, port=port)
    conf = tmp + "/k.conf"
    ep.port = port                              # not started yet: the network is "down"
    write_conf(conf, ep, [flow(path, **kw)])
    return path, ep, conf


@test(timeout=90)
def writers_come_and_go_and_block_while_the_network_is_down(tmp):
    port = free_port()
    path, ep, conf = fifo_conf(tmp, port, retryMaxBackoffMillis=500)
    with Agent(harness.kagent(), conf) as ag:
        writers = [Writer(path, k * 30000, (k + 1) * 30000, chunk=CHUNK, pause=0.002, reopen=True)
                   for k in range(3)]
        for w in writers:
            w.start()
        time.sleep(10)                          # 10 s without a network
        # the ring (1,000 records) and the pipe are full: the writers wait
        assert all(w.is_alive() for w in writers), "a writer was not held back"
        ag.kill(signal.SIGUSR1)
        stats = wait_until(lambda: [l for l in ag.stderr().splitlines() if "read " in l], 5)
        assert "sent 0," in stats[0] and "FIFO overflow 0" in stats[0], stats
        with ep:                                # the network comes back
            for w in writers:
                w.join(60)
            wait_until(lambda: harness.count(ep) >= 90000, 60, interval=0.5)
            time.sleep(1.5)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            recs = numbers(ep.records())
    assert sorted(recs) == list(range(90000)), "missing %d, twice %d" % (
        90000 - len(set(recs)), len(recs) - len(set(recs)))
    # each writer's lines arrive in its own order
    for k in range(3):
        mine = [n for n in recs if k * 30000 <= n < (k + 1) * 30000]
        assert mine == sorted(mine)
    assert not os.path.exists(tmp + "/checkpoints") or path not in open(tmp + "/checkpoints").read()


@test(timeout=90)
def drop_never_blocks_the_writer_and_counts_what_it_drops(tmp):
    port = free_port()
    path, ep, conf = fifo_conf(tmp, port, fifoOverflow="drop", retryMaxBackoffMillis=500)
    with Agent(harness.kagent(), conf) as ag:
        w = Writer(path, 0, 50000, chunk=CHUNK, pause=0.001, reopen=True)
        t = time.monotonic()
        w.start()
        w.join(20)
        assert not w.is_alive(), "the writer was blocked"
        took = time.monotonic() - t
        time.sleep(0.5)
        with ep:
            wait_until(lambda: harness.count(ep) >= 1000, 30)
            time.sleep(2)
            ag.kill(signal.SIGTERM)
            assert ag.wait(10) == 0, ag.stderr()
            err = ag.stderr()
            recs = ep.records()
    m = re.search(r"FIFO overflow (\d+)", err)
    assert m, err
    dropped = int(m.group(1))
    assert all(re.fullmatch(rb"\d{8}\n", r) for r in recs), "a line arrived cut or joined"
    got = numbers(recs)
    assert len(got) == len(set(got)), "a line arrived twice"
    assert len(got) + dropped == 50000, (len(got), dropped)
    assert dropped > 0
    print("  writer took %.1f s; %d lines arrived, %d dropped" % (took, len(got), dropped))


harness.run()
