"""Time every lab at its defaults on one core (torch limited to one thread): CPU seconds and wall seconds.

Run `python scripts/measure_labs.py [LAB ...]`: it prints a table to compare with each lab's SECONDS.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    import torch

    torch.set_num_threads(1)
    from mldrill.labs import all_labs, get_lab

    labs = [get_lab(a) for a in sys.argv[1:]] or all_labs()
    for lab in labs:
        c0, w0 = time.process_time(), time.perf_counter()
        lab.run(**lab.defaults)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        print(f"{lab.id:22s} declared {lab.seconds:5.1f}  cpu {cpu:6.2f}  wall {wall:6.2f}", flush=True)


if __name__ == "__main__":
    main()
