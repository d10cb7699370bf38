# mypy --strict must refuse this: "bogus" is not a cache mode.
import qdrive

with qdrive.Handle() as g:
    g.add_drive("disk.img", format="raw", cachemode="bogus")
