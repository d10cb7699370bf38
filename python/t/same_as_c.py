# The Python side of t/same-as-c.sh: the same calls as t/same-as-c.c,
# through the binding, printed the same way.
import sys

import qdrive

disk, comma, missing = sys.argv[1:4]


def p(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
        print("ok")
    except qdrive.Error as e:
        print(e)


g = qdrive.Handle()
A = g.add_drive
p(A, disk, cachemode="bogus")
p(A, disk, cachemode="none")
p(A, disk, discard="on")
p(A, disk, iface="sata")
p(g.set_accel, "xen")
p(A, missing)
p(A, "")
for label in ["", "x" * 21, "a-b", "a b", "\u00e9"]:
    p(A, disk, label=label)
for fmt in ["", "raw,x", "a b", "q/c"]:
    p(A, disk, format=fmt)
for size in [0, 1024, -512, 513]:
    p(A, disk, blocksize=size)
p(g.add_drive_scratch, 1024, blocksize=0)
p(A, disk, discard="enable")
p(A, disk, format="raw", discard="enable", readonly=True)
for _ in range(5):
    p(A, disk, iface="ide")
for _ in range(30):
    p(A, disk, iface="virtio")
p(g.add_drive_scratch, 0)
p(g.add_drive_scratch, -1)
p(g.set_memsize, 127)
p(g.set_memsize, 1048577)
p(g.set_smp, 0)
p(g.set_smp, 256)
g.close()

# Command lines.
with qdrive.Handle() as g:
    A = g.add_drive
    p(A, disk, format="raw", cachemode="unsafe")
    p(A, disk, format="raw")
    p(A, comma, format="raw")
    p(A, disk, format="raw", discard="enable")
    p(A, disk, format="raw", copyonread=True)
    p(A, disk, format="raw", label="mylabel")
    p(A, disk, format="raw", blocksize=4096)
    p(A, disk, readonly=True)
    p(A, disk, iface="virtio", cachemode="unsafe", discard="besteffort")
    p(A, disk, iface="ide", name="n")
    p(g.set_memsize, 2048)
    p(g.set_smp, 2)
    p(g.config, "-rtc", "base=utc")
    print(" ".join(g.get_qemu_command_line()))
