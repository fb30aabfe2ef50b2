"""Classic wrong paged-KV allocators, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
class BlockAllocator:
    def __init__(self, num_blocks, block_size):
        self.bs = block_size
        self.free = list(range(num_blocks - 1, -1, -1))
        self.ref = {}
        self.tables = {}
        self.lens = {}

    def _take(self):
        if not self.free:
            raise RuntimeError("out of KV blocks")
        blk = self.free.pop()
        self.ref[blk] = 1
        return blk

    def _drop(self, blk):
        self.ref[blk] -= 1
        if self.ref[blk] == 0:
            self.free.append(blk)

    def allocate(self, seq, n_tokens):
        n_blocks = -(-n_tokens // self.bs)
        self.tables[seq] = [self._take() for _ in range(n_blocks)]
        self.lens[seq] = n_tokens
        return list(self.tables[seq])

    def append(self, seq):
        table, n = self.tables[seq], self.lens[seq]
        self.lens[seq] = n + 1
        if n % self.bs == 0:
            table.append(self._take())
            return None
        last = table[-1]
        if self.ref[last] > 1:
            new = self._take()
            self._drop(last)
            table[-1] = new
            return (last, new)
        return None

    def fork(self, parent, child):
        self.tables[child] = list(self.tables[parent])
        self.lens[child] = self.lens[parent]
        for blk in self.tables[child]:
            self.ref[blk] += 1

    def free_seq(self, seq):
        for blk in self.tables.pop(seq):
            self._drop(blk)
        del self.lens[seq]

    def slots(self, seq):
        table = self.tables[seq]
        return [table[t // self.bs] * self.bs + t % self.bs for t in range(self.lens[seq])]
"""

GENERIC = "keeps valid block tables through a serving script"

MUTANTS = [
    mutant(
        "floor instead of ceil",
        "n_blocks = -(-n_tokens // self.bs)",
        "n_blocks = n_tokens // self.bs",
        "a sequence of n tokens holds ceil(n / block_size) blocks",
        GENERIC,
    ),
    mutant(
        "new block one token early",
        "if n % self.bs == 0:",
        "if n % self.bs == self.bs - 1:",
        "append takes a new block only when the last one is full",
        GENERIC,
        "fork shares blocks; writing to a shared block copies it first",  # it grows instead of copying
    ),
    mutant(
        "fork copies the blocks",
        "        for blk in self.tables[child]:\n            self.ref[blk] += 1",
        "        self.tables[child] = [self._take() for _ in self.tables[parent]]",
        "fork shares blocks; writing to a shared block copies it first",
        GENERIC,
    ),
    mutant(
        "no copy-on-write",
        "        if self.ref[last] > 1:",
        "        if False:",
        "fork shares blocks; writing to a shared block copies it first",
        GENERIC,
    ),
    mutant(
        "free ignores the reference count",
        "        self.ref[blk] -= 1\n        if self.ref[blk] == 0:\n            self.free.append(blk)",
        "        self.ref[blk] = 0\n        if blk not in self.free:\n            self.free.append(blk)",
        "freeing a forked sequence keeps the blocks its fork still uses",
        GENERIC,
    ),
    mutant(
        "freed blocks leak",
        "        if self.ref[blk] == 0:\n            self.free.append(blk)",
        "        pass",
        "freed blocks are reused",
    ),
    mutant(
        "block index and offset swapped",
        "table[t // self.bs] * self.bs + t % self.bs",
        "table[t % self.bs] * self.bs + t // self.bs",
        "slot of token t is table[t // block_size] * block_size + t % block_size",
        GENERIC,
    ),
]
