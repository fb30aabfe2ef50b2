"""Distributed training, small enough to read: collectives simulated on lists of arrays, ZeRO memory arithmetic,
tensor and pipeline parallelism, rank layouts, and real 2-process DDP / ZeRO on torch.distributed (gloo, CPU).

- collectives.py  all-reduce = reduce-scatter + all-gather; the ring all-reduce and its traffic
- memory.py       per-GPU bytes of DDP and ZeRO-1/2/3; ring traffic in bytes
- parallel.py     the tensor-parallel MLP, pipeline schedules and their bubble, 3-D rank layouts
- zero.py         ZeRO-1/2/3 Adam over a process group, equal step by step to unsharded Adam
"""
