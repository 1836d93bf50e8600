"""Run one command and report its own wall time and peak memory: bench/child.py's wrapper.

Usage: python -S measure_child.py RESULT.json TIMEOUT MEMORY_BYTES COMMAND...

Why a wrapper: Linux records the resident size of the *forking* process as the child's
peak (``exec`` keeps the old image's high-water mark), so a child forked straight from the
benchmark, which holds the generated workload, would report the benchmark's memory as its
own. This wrapper is a few MB; the command is forked from it, under ``RLIMIT_AS`` and in
its own process group, and ended with it after TIMEOUT seconds. RESULT.json gets
``{"seconds", "peak_kib", "exit", "timeout"}``. Standard library only, so it stays small.
"""

import json
import os
import resource
import signal
import sys
import time


def main() -> None:
    result, timeout, memory = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    command = sys.argv[4:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    expired = []

    def kill(signum: int, frame: object) -> None:
        expired.append(True)
        os.killpg(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, kill)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:  # the alarm: wait again for the killed child
            continue
    seconds = time.perf_counter() - start
    signal.setitimer(signal.ITIMER_REAL, 0)
    with open(result, "w", encoding="utf-8") as out:
        json.dump(
            {
                "seconds": seconds,
                "peak_kib": usage.ru_maxrss,
                "exit": os.waitstatus_to_exitcode(status),
                "timeout": bool(expired),
            },
            out,
        )


if __name__ == "__main__":
    main()
