#!/usr/bin/env python3
"""Craft hostile (and otherwise awkward) images and push them byte-exactly
into a plain-HTTP test registry, with the stdlib only.

Each image has one or two layers whose tar entries try to write outside the
layer directory; a correct extractor refuses them or keeps every write
inside.  The names they aim at on the host all start with
/tmp/galley-hostile-, so a test can check that none appeared.

Usage:
  mkhostile.py push REGISTRY [NAME...]   push the named images (default: all)
                                         as REGISTRY/hostile-NAME:latest
  mkhostile.py list                      name and expectation of each image
  mkhostile.py big REGISTRY NAME MIB     push REGISTRY/NAME:latest with four
                                         incompressible layers of MIB/4 MiB
                                         (for interrupted-pull tests)

Expectations: "refuse" = the pull fails (exit 125) and commits nothing;
"inside" = the pull succeeds and the writes land inside the layer.
"""

import gzip
import hashlib
import io
import json
import os
import platform
import sys
import tarfile
import urllib.error
import urllib.request

EPOCH = 1700000000
MARK = "/tmp/galley-hostile-"


def entry (name, kind="file", data=b"", link="", mode=0o644):
  ti = tarfile.TarInfo (name)
  ti.mtime = EPOCH
  ti.mode = mode
  if kind == "dir":
    ti.type = tarfile.DIRTYPE
    ti.mode = 0o755
  elif kind == "symlink":
    ti.type = tarfile.SYMTYPE
    ti.linkname = link
    ti.mode = 0o777
  elif kind == "hardlink":
    ti.type = tarfile.LNKTYPE
    ti.linkname = link
  else:
    ti.size = len (data)
  return ti, data


def layer_tar (entries):
  buf = io.BytesIO ()
  # GNU format keeps names exactly as given (no normalisation of "../").
  with tarfile.open (fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    for ti, data in entries:
      t.addfile (ti, io.BytesIO (data) if ti.isreg () else None)
  return buf.getvalue ()


# name -> (expectation, [layer entries...])
IMAGES = {
  "dotdot": ("refuse", [[entry ("../../../../../../../../tmp/galley-hostile-dotdot", data=b"x")]]),
  "dotdot-inner": ("refuse", [[entry ("a/../../../../../../../tmp/galley-hostile-dotdot-inner", data=b"x")]]),
  "absolute": ("inside", [[entry ("/tmp/galley-hostile-absolute", data=b"abs")]]),
  "symlink-parent": ("inside", [[
    entry ("tmp", "dir"),
    entry ("escape", "symlink", link="/tmp"),
    entry ("escape/galley-hostile-symlink-parent", data=b"through a symlink"),
  ]]),
  "symlink-relative": ("inside", [[
    entry ("tmp", "dir"),
    entry ("up", "symlink", link="../../../../../../../../../tmp"),
    entry ("up/galley-hostile-symlink-relative", data=b"through ../"),
  ]]),
  "symlink-dangling": ("refuse", [[
    entry ("escape", "symlink", link="/tmp/galley-hostile-dangling-dir"),
    entry ("escape/galley-hostile-dangling", data=b"x"),
  ]]),
  "symlink-last": ("inside", [[
    entry ("last", "symlink", link="/tmp/galley-hostile-symlink-last"),
    entry ("last", data=b"replaces the symlink"),
  ]]),
  "symlink-cross-layer": ("inside", [
    [entry ("link", "symlink", link="/tmp")],
    [entry ("link/galley-hostile-cross-layer", data=b"layer 2")],
  ]),
  "hardlink-absolute": ("refuse", [[entry ("passwd", "hardlink", link="/etc/passwd")]]),
  "hardlink-dotdot": ("refuse", [[entry ("passwd", "hardlink", link="../../../../../../../etc/passwd")]]),
  "hardlink-symlink": ("refuse", [[
    entry ("root", "symlink", link="/"),
    entry ("passwd", "hardlink", link="root/etc/passwd"),
  ]]),
  "whiteout-dotdot": ("refuse", [[entry ("../../../../../../tmp/.wh.galley-hostile-victim")]]),
  "whiteout-symlink": ("inside", [[
    entry ("tmp", "dir"),
    entry ("escape", "symlink", link="/tmp"),
    entry ("escape/.wh.galley-hostile-victim"),
  ]]),
}


def sha256 (data):
  return "sha256:" + hashlib.sha256 (data).hexdigest ()


def arch ():
  m = platform.machine ()
  return {"x86_64": "amd64", "aarch64": "arm64"}.get (m, m)


def http (method, url, data=None, headers=None):
  req = urllib.request.Request (url, data=data, method=method, headers=headers or {})
  try:
    return urllib.request.urlopen (req, timeout=120)
  except urllib.error.HTTPError as e:
    if e.code in (201, 202, 204):
      return e
    raise SystemExit ("mkhostile.py: %s %s: HTTP %d %s" % (method, url, e.code, e.read ()[:300]))


def push_blob (registry, name, data):
  host = registry
  r = http ("POST", "http://%s/v2/%s/blobs/uploads/" % (host, name), b"")
  loc = r.headers["Location"]
  if loc.startswith ("/"):
    loc = "http://" + host + loc
  loc += ("&" if "?" in loc else "?") + "digest=" + sha256 (data)
  http ("PUT", loc, data, {"Content-Type": "application/octet-stream"})


def push_image (registry, name, tars, compress=True):
  blobs = [gzip.compress (t, 6, mtime=0) if compress else t for t in tars]
  config = json.dumps ({
    "architecture": arch (), "os": "linux", "created": "2023-11-14T22:13:20Z",
    "config": {"Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": [sha256 (t) for t in tars]},
  }, sort_keys=True, separators=(",", ":")).encode ()
  for b in blobs + [config]:
    push_blob (registry, name, b)
  media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress else "")
  manifest = json.dumps ({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256 (config),
               "size": len (config)},
    "layers": [{"mediaType": media, "digest": sha256 (b), "size": len (b)} for b in blobs],
  }, sort_keys=True, separators=(",", ":")).encode ()
  http ("PUT", "http://%s/v2/%s/manifests/latest" % (registry, name), manifest,
        {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
  return [sha256 (b) for b in blobs]


def main ():
  if len (sys.argv) >= 2 and sys.argv[1] == "list":
    for n, (expect, _) in IMAGES.items ():
      print (n, expect)
    return
  if len (sys.argv) >= 3 and sys.argv[1] == "push":
    names = sys.argv[3:] or list (IMAGES)
    for n in names:
      expect, layers = IMAGES[n]
      push_image (sys.argv[2], "hostile-" + n, [layer_tar (l) for l in layers])
      print ("%s/hostile-%s:latest %s" % (sys.argv[2], n, expect))
    return
  if len (sys.argv) == 5 and sys.argv[1] == "big":
    per = int (sys.argv[4]) * 1024 * 1024 // 4
    tars = []
    for i in range (4):
      data = os.urandom (per)
      tars.append (layer_tar ([entry ("big-%d" % i, data=data)]))
    for d in push_image (sys.argv[2], sys.argv[3], tars, compress=True):
      print (d)
    return
  sys.exit (__doc__)


if __name__ == "__main__":
  main ()
