#!/usr/bin/env python3
"""Write a sparse multi-gigabyte PyTorch-layout zip checkpoint (ZIP64) for the
models-scan size benchmark. The tensor member is a hole in a sparse file, so the
file takes almost no disk space; the pickle is a real state-dict pickle.

Usage: make_big_checkpoint.py OUT [SIZE_GB=5] [--malicious]
"""
import io
import pickle
import struct
import sys
import types
import zlib
from collections import OrderedDict


def fake(module, name):
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        n = ".".join(parts[:i])
        sys.modules.setdefault(n, types.ModuleType(n))
    f = type(name, (), {"__module__": module}) if name[0].isupper() else (lambda *a: None)
    f.__module__, f.__qualname__, f.__name__ = module, name, name
    setattr(sys.modules[module], name, f)
    return f


rebuild = fake("torch._utils", "_rebuild_tensor_v2")
FloatStorage = fake("torch", "FloatStorage")


class Storage:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class T:
    def __init__(self, st, size, offset=0):
        self.st, self.size, self.offset = st, size, offset

    def __reduce__(self):
        return rebuild, (self.st, self.offset, self.size, (self.size[1], 1), False, OrderedDict())


class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


class Evil:
    def __reduce__(self):
        import os
        return os.system, ("echo leakscope-bench",)


def main():
    out = sys.argv[1]
    gb = float(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("-") else 5.0
    size = int(gb * 1e9) // 4 * 4
    st = Storage("0", size // 4)
    # ~2000 tensors viewing the one big storage: a realistic data.pkl for a large model
    sd = OrderedDict()
    rows = 1024
    per = rows * 1024
    for i in range(2000):
        sd[f"model.layers.{i}.weight"] = T(st, (rows, 1024), offset=(i * per) % max(1, st.numel - per))
    if "--malicious" in sys.argv:
        sd["zz"] = Evil()
    buf = io.BytesIO()
    P(buf, protocol=2).dump(sd)
    pkl = buf.getvalue()

    f = open(out, "wb")
    central = []

    def member(name, data, big=0):
        off = f.tell()
        nb = name.encode()
        if big:
            extra = struct.pack("<HHQQ", 1, 16, big, big)
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(nb), len(extra)))
            f.write(nb + extra)
            f.seek(big, 1)  # the hole: tensor bytes are never written
            central.append((nb, 0, big, off))
        else:
            crc = zlib.crc32(data)
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(nb), 0))
            f.write(nb + data)
            central.append((nb, crc, len(data), off))

    member("archive/data.pkl", pkl)
    member("archive/byteorder", b"little")
    member("archive/version", b"3\n")
    member("archive/data/0", None, big=size)
    cd_start = f.tell()
    for nb, crc, sz, off in central:
        if sz >= 0xFFFFFFFF:
            extra = struct.pack("<HHQQ", 1, 16, sz, sz)
            f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                                len(nb), len(extra), 0, 0, 0, 0, off))
            f.write(nb + extra)
        else:
            f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, sz, sz,
                                len(nb), 0, 0, 0, 0, 0, off))
            f.write(nb)
    cd_end = f.tell()
    n = len(central)
    z64 = cd_end
    f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_end - cd_start, cd_start))
    f.write(struct.pack("<IIQI", 0x07064B50, 0, z64, 1))
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    f.close()
    print(f"{out}: {size / 1e9:.1f} GB apparent, data.pkl {len(pkl)} bytes, {len(sd)} tensors")


if __name__ == "__main__":
    main()
