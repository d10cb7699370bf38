# mypy --strict must refuse this: "bogus" is not a cache mode, and a
# drive's cachemode is a Cachemode, not an Iface.
import qdrive

with qdrive.Handle() as g:
    g.add_drive("disk.img", format="raw", cachemode="bogus")
    iface: qdrive.Iface = g.list_drives()[0].cachemode
