#!/usr/bin/env python3
"""Write a docker-archive holding M distinct images that share one layer.

    mkarchive.py BASE.tar M OUT.tar

BASE.tar is a one-image docker-archive (tests/images' busybox.tar).  Each
image i gets the base config plus the label bench.n=i (so a distinct
config digest, hence a distinct image id) and the tag
localhost/bench-i:latest.  Loading it is the cheap way to give a store M
images, for galley and podman alike.
"""
import hashlib
import io
import json
import sys
import tarfile


def add(out, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1700000000
    out.addfile(info, io.BytesIO(data))


def main():
    base, count, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with tarfile.open(base) as src:
        manifest = json.load(src.extractfile("manifest.json"))[0]
        config = json.load(src.extractfile(manifest["Config"]))
        layers = [(name, src.extractfile(name).read()) for name in manifest["Layers"]]
    entries = []
    with tarfile.open(dest, "w") as out:
        for name, data in layers:
            add(out, name, data)
        for i in range(count):
            config.setdefault("config", {}).setdefault("Labels", {})["bench.n"] = str(i)
            data = json.dumps(config, sort_keys=True).encode()
            cname = hashlib.sha256(data).hexdigest() + ".json"
            add(out, cname, data)
            entries.append({"Config": cname, "RepoTags": ["localhost/bench-%d:latest" % i],
                            "Layers": manifest["Layers"]})
        add(out, "manifest.json", json.dumps(entries).encode())


if __name__ == "__main__":
    main()
