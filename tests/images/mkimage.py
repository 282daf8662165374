#!/usr/bin/env python3
"""Build galley's test images offline, deterministically, with the stdlib only.

The images are written as an OCI image layout (a directory) or as a
docker-archive tarball (what `docker save` writes); skopeo then pushes the
layouts into the local test registry, so galley is tested against images that
it did not write.  The same inputs always give the same digests.

Kinds:
  busybox     one layer: the host's static busybox, its applet symlinks,
              /etc/passwd and /etc/group (root, user 1000, nobody), /tmp 1777
  multilayer  busybox plus three layers exercising a whiteout, an opaque
              directory, a hardlink, a symlink, a setuid file and owners 0/1000
  multiarch   busybox as an index of linux/amd64 and linux/arm64/v8 (the arm64
              image has the same files and its own config)
  owners      busybox plus one layer of the owners a distribution has: a
              shadow file of group 42, a setuid-root program, a directory of
              1:1 and one of 65534 (see `mkimage.py expected owners`)
  manylayers  busybox plus 600 layers, each adding /layers/N: more than a
              native overlay mount stacks

Usage:
  mkimage.py oci KIND DIR [--tag TAG] [--compression gzip|none]
  mkimage.py docker-archive KIND FILE [--ref NAME:TAG]
  mkimage.py expected KIND          the final tree a runtime must show (text)
  mkimage.py push DIR TAG REGISTRY/NAME:TAG [--user U:P]
              byte-exact push of an OCI layout over plain HTTP (for layouts
              that skopeo would rewrite, such as uncompressed layers)
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request

# A fixed time for every tar entry, gzip header and config, so that builds
# are reproducible (override with SOURCE_DATE_EPOCH).
EPOCH = int (os.environ.get ("SOURCE_DATE_EPOCH", "1700000000"))
CREATED = time.strftime ("%Y-%m-%dT%H:%M:%SZ", time.gmtime (EPOCH))

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"

PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "user:x:1000:1000:user:/home/user:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
)
GROUP = (
    "root:x:0:\n"
    "wheel:x:10:user\n"
    "user:x:1000:\n"
    "nogroup:x:65534:\n"
)


def sha256 (data):
  return "sha256:" + hashlib.sha256 (data).hexdigest ()


class Layer:
  """An ordered list of tar entries, written deterministically."""

  def __init__ (self, comment):
    self.entries = []
    self.comment = comment

  def _add (self, name, kind, mode, uid=0, gid=0, data=b"", link=""):
    self.entries.append ((name, kind, mode, uid, gid, data, link))

  def dir (self, name, mode=0o755, uid=0, gid=0):
    self._add (name, tarfile.DIRTYPE, mode, uid, gid)

  def file (self, name, data, mode=0o644, uid=0, gid=0):
    if isinstance (data, str):
      data = data.encode ()
    self._add (name, tarfile.REGTYPE, mode, uid, gid, data)

  def symlink (self, name, target):
    self._add (name, tarfile.SYMTYPE, 0o777, link=target)

  def hardlink (self, name, target):
    self._add (name, tarfile.LNKTYPE, 0o644, link=target)

  def whiteout (self, name):
    parent, base = os.path.split (name)
    self.file (os.path.join (parent, ".wh." + base), b"", 0o644)

  def opaque (self, dirname):
    self.file (os.path.join (dirname, ".wh..wh..opq"), b"", 0o644)

  def tar (self):
    out = io.BytesIO ()
    with tarfile.open (fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
      for name, kind, mode, uid, gid, data, link in self.entries:
        info = tarfile.TarInfo (name + "/" if kind == tarfile.DIRTYPE else name)
        info.type = kind
        info.mode = mode
        info.uid, info.gid = uid, gid
        info.uname = info.gname = ""
        info.mtime = EPOCH
        info.linkname = link
        if kind == tarfile.REGTYPE:
          info.size = len (data)
          t.addfile (info, io.BytesIO (data))
        else:
          t.addfile (info)
    return out.getvalue ()


def gzip_bytes (data):
  out = io.BytesIO ()
  with gzip.GzipFile (filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as g:
    g.write (data)
  return out.getvalue ()


def busybox_applets (busybox):
  out = subprocess.run ([busybox, "--list-full"], check=True, capture_output=True, text=True).stdout
  return sorted (set (p for p in out.split () if p and p != "bin/busybox"))


def busybox_layer (busybox):
  layer = Layer ("busybox rootfs")
  with open (busybox, "rb") as f:
    binary = f.read ()
  for d in ("bin", "dev", "etc", "home", "proc", "root", "sbin", "sys", "usr",
            "usr/bin", "usr/sbin", "var"):
    layer.dir (d, 0o700 if d == "root" else 0o755)
  layer.dir ("home/user", 0o755, 1000, 1000)
  layer.dir ("tmp", 0o1777)
  layer.file ("bin/busybox", binary, 0o755)
  for applet in busybox_applets (busybox):
    layer.symlink (applet, "/bin/busybox")
  layer.file ("etc/passwd", PASSWD)
  layer.file ("etc/group", GROUP)
  layer.file ("etc/os-release", 'NAME="galley test busybox"\nID=busybox\n')
  return layer


def multilayer_layers (busybox):
  """The layers above busybox; `expected` documents what they add up to."""
  a = Layer ("data: files, links, owners, setuid")
  a.dir ("data")
  a.file ("data/a.txt", "layer 2\n")
  a.file ("data/remove-me", "whited out in layer 3\n")
  a.dir ("data/opq")
  a.file ("data/opq/old", "hidden by the opaque dir of layer 3\n")
  a.dir ("data/dir")
  a.file ("data/dir/keep", "kept\n")
  a.file ("data/hard-src", "hardlinked\n")
  a.hardlink ("data/hard-link", "data/hard-src")
  a.symlink ("data/link", "a.txt")
  a.symlink ("data/abs-link", "/data/dir/keep")
  a.file ("data/suid", "#!/bin/sh\necho suid\n", 0o4755)
  a.file ("data/sgid", "#!/bin/sh\necho sgid\n", 0o2755)
  a.file ("data/owned-1000", "owned by 1000\n", 0o640, 1000, 1000)
  a.file ("data/owned-0", "owned by root\n", 0o600, 0, 0)
  a.dir ("data/dir-1000", 0o750, 1000, 1000)
  a.file ("data/dir-1000/f", "in a dir of 1000\n", 0o644, 1000, 1000)

  b = Layer ("data: whiteout and opaque dir")
  b.dir ("data")
  b.whiteout ("data/remove-me")
  b.dir ("data/opq")
  b.opaque ("data/opq")
  b.file ("data/opq/new", "layer 3\n")
  b.file ("data/a.txt", "layer 3\n")

  c = Layer ("data: a directory replaced by a file, a file in user's home")
  c.dir ("data")
  c.whiteout ("data/dir")
  c.file ("data/dir", "a file now\n")
  c.dir ("home")
  c.dir ("home/user", 0o755, 1000, 1000)
  c.file ("home/user/.profile", "export GREETING=hello\n", 0o644, 1000, 1000)
  return [a, b, c]


def owners_layer ():
  """What keep-id must show with the image's own owners."""
  o = Layer ("owners: shadow, setuid root, daemon and nobody")
  o.dir ("etc")
  o.file ("etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640, 0, 42)
  o.file ("etc/group", GROUP + "shadow:x:42:\ndaemon:x:1:\n")
  o.dir ("usr")
  o.dir ("usr/bin")
  o.file ("usr/bin/suid-root", "#!/bin/sh\nid -u\n", 0o4755)
  o.dir ("var")
  o.dir ("var/daemon", 0o755, 1, 1)
  o.dir ("var/nobody", 0o700, 65534, 65534)
  return o


EXPECTED = {
  "multilayer": """\
# path type mode uid gid [content|target]   (uids as seen inside the container)
/data d 0755 0 0
/data/a.txt f 0644 0 0 layer 3
/data/abs-link l 0777 0 0 /data/dir/keep
/data/dir f 0644 0 0 a file now
/data/dir-1000 d 0750 1000 1000
/data/dir-1000/f f 0644 1000 1000 in a dir of 1000
/data/hard-link f 0644 0 0 hardlinked (same inode as /data/hard-src, 2 links)
/data/hard-src f 0644 0 0 hardlinked
/data/link l 0777 0 0 a.txt
/data/opq d 0755 0 0
/data/opq/new f 0644 0 0 layer 3
/data/owned-0 f 0600 0 0 owned by root
/data/owned-1000 f 0640 1000 1000 owned by 1000
/data/sgid f 2755 0 0
/data/suid f 4755 0 0
/home/user/.profile f 0644 1000 1000 export GREETING=hello
# absent: /data/remove-me /data/opq/old /data/dir/keep and every .wh.* name
""",
  "owners": """\
# path type mode uid gid   (uids as seen inside the container)
/etc d 0755 0 0
/etc/shadow f 0640 0 42
/usr/bin/suid-root f 4755 0 0
/var/daemon d 0755 1 1
/var/nobody d 0700 65534 65534
""",
}


def image_config (arch, diff_ids, history, variant=None):
  cfg = {
    "created": CREATED,
    "architecture": arch,
    "os": "linux",
    "config": {
      "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      "Cmd": ["sh"],
      "Labels": {"org.galley.test": "true"},
    },
    "rootfs": {"type": "layers", "diff_ids": diff_ids},
    "history": [{"created": CREATED, "created_by": "mkimage.py: " + h} for h in history],
  }
  if variant:
    cfg["variant"] = variant
  return cfg


def canonical (obj):
  return json.dumps (obj, sort_keys=True, separators=(",", ":")).encode ()


class Image:
  """Layers (built once) plus a config per platform."""

  def __init__ (self, layers, compression="gzip"):
    self.layers = []  # (blob, diff_id, media type)
    for layer in layers:
      raw = layer.tar ()
      blob = gzip_bytes (raw) if compression == "gzip" else raw
      mt = OCI_LAYER_GZIP if compression == "gzip" else OCI_LAYER_TAR
      self.layers.append ((blob, sha256 (raw), mt))
    self.history = [layer.comment for layer in layers]

  def config (self, arch, variant=None):
    return canonical (image_config (arch, [d for _, d, _ in self.layers], self.history, variant))


def host_arch ():
  m = os.uname ().machine
  return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le",
          "s390x": "s390x", "riscv64": "riscv64"}.get (m, m)


class OciLayout:
  def __init__ (self, path):
    self.path = path
    os.makedirs (os.path.join (path, "blobs", "sha256"), exist_ok=True)
    with open (os.path.join (path, "oci-layout"), "w") as f:
      f.write ('{"imageLayoutVersion":"1.0.0"}')

  def blob (self, data, media_type):
    digest = sha256 (data)
    p = os.path.join (self.path, "blobs", "sha256", digest[7:])
    if not os.path.exists (p):
      with open (p + ".tmp", "wb") as f:
        f.write (data)
      os.rename (p + ".tmp", p)
    return {"mediaType": media_type, "digest": digest, "size": len (data)}

  def manifest (self, image, arch, variant=None):
    cfg = self.blob (image.config (arch, variant), OCI_CONFIG)
    layers = [self.blob (b, mt) for b, _, mt in image.layers]
    return {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": cfg, "layers": layers}

  def write_index (self, tag, top, media_type):
    desc = self.blob (canonical (top), media_type)
    desc["annotations"] = {"org.opencontainers.image.ref.name": tag}
    idx_path = os.path.join (self.path, "index.json")
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
    if os.path.exists (idx_path):
      with open (idx_path) as f:
        index = json.load (f)
    index["manifests"] = [m for m in index["manifests"]
                          if m.get ("annotations", {}).get ("org.opencontainers.image.ref.name") != tag]
    index["manifests"].append (desc)
    with open (idx_path + ".tmp", "w") as f:
      json.dump (index, f, sort_keys=True)
    os.rename (idx_path + ".tmp", idx_path)
    return desc


# More layers than a native overlay mount stacks (the kernel's 500).
MANY_LAYERS = 600


def many_layers ():
  """MANY_LAYERS layers above busybox, layer i adding /layers/i."""
  out = []
  for i in range (MANY_LAYERS):
    layer = Layer ("layer %d" % i)
    if i == 0:
      layer.dir ("layers")
    layer.file ("layers/%d" % i, "%d\n" % i)
    out.append (layer)
  return out


def build_layers (kind, busybox):
  base = busybox_layer (busybox)
  if kind == "multilayer":
    return [base] + multilayer_layers (busybox)
  if kind == "owners":
    return [base, owners_layer ()]
  if kind == "manylayers":
    return [base] + many_layers ()
  return [base]


def cmd_oci (args):
  image = Image (build_layers (args.kind, args.busybox), args.compression)
  layout = OciLayout (args.dir)
  if args.kind == "multiarch":
    manifests = []
    for arch, variant in (("amd64", None), ("arm64", "v8")):
      m = layout.manifest (image, arch, variant)
      d = layout.blob (canonical (m), OCI_MANIFEST)
      d["platform"] = {"architecture": arch, "os": "linux"}
      if variant:
        d["platform"]["variant"] = variant
      manifests.append (d)
    top = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
    desc = layout.write_index (args.tag, top, OCI_INDEX)
  else:
    desc = layout.write_index (args.tag, layout.manifest (image, args.arch), OCI_MANIFEST)
  print (desc["digest"])


def cmd_docker_archive (args):
  if args.kind == "multiarch":
    sys.exit ("mkimage.py: a docker-archive holds one platform; use a kind other than multiarch")
  image = Image (build_layers (args.kind, args.busybox), "none")
  config = image.config (args.arch)
  cfg_name = sha256 (config)[7:] + ".json"
  members = [(cfg_name, config)]
  layer_names = []
  for blob, diff_id, _ in image.layers:
    name = diff_id[7:] + "/layer.tar"
    layer_names.append (name)
    members.append ((name, blob))
  manifest = [{"Config": cfg_name, "RepoTags": [args.ref], "Layers": layer_names}]
  members.append (("manifest.json", json.dumps (manifest).encode ()))
  tmp = args.file + ".tmp"
  with tarfile.open (tmp, "w", format=tarfile.PAX_FORMAT) as t:
    dirs = sorted (set (os.path.dirname (n) for n, _ in members if "/" in n))
    for d in dirs:
      info = tarfile.TarInfo (d + "/")
      info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
      t.addfile (info)
    for name, data in members:
      info = tarfile.TarInfo (name)
      info.size, info.mode, info.mtime = len (data), 0o644, EPOCH
      t.addfile (info, io.BytesIO (data))
  os.rename (tmp, args.file)
  print (args.file)


def cmd_expected (args):
  sys.stdout.write (EXPECTED.get (args.kind, ""))


def http (method, url, data=None, headers=None, auth=None):
  req = urllib.request.Request (url, data=data, method=method, headers=headers or {})
  if auth:
    req.add_header ("Authorization", "Basic " + base64.b64encode (auth.encode ()).decode ())
  try:
    return urllib.request.urlopen (req, timeout=60)
  except urllib.error.HTTPError as e:
    if e.code in (201, 202, 204):
      return e
    raise SystemExit ("mkimage.py: %s %s: HTTP %d %s" % (method, url, e.code, e.read ()[:300]))


def cmd_push (args):
  host, _, rest = args.dest.partition ("/")
  name, _, tag = rest.rpartition (":")
  base = "http://%s/v2/%s" % (host, name)
  with open (os.path.join (args.dir, "index.json")) as f:
    index = json.load (f)
  top = [m for m in index["manifests"]
         if m.get ("annotations", {}).get ("org.opencontainers.image.ref.name") == args.tag]
  if not top:
    sys.exit ("mkimage.py: no tag %s in %s" % (args.tag, args.dir))

  def read_blob (digest):
    with open (os.path.join (args.dir, "blobs", "sha256", digest[7:]), "rb") as f:
      return f.read ()

  def push_blob (digest):
    try:
      http ("HEAD", "%s/blobs/%s" % (base, digest), auth=args.user)
      return
    except SystemExit:
      pass
    r = http ("POST", base + "/blobs/uploads/", b"", auth=args.user)
    loc = r.headers["Location"]
    if loc.startswith ("/"):
      loc = "http://" + host + loc
    loc += ("&" if "?" in loc else "?") + "digest=" + digest
    http ("PUT", loc, read_blob (digest), {"Content-Type": "application/octet-stream"}, args.user)

  def push_manifest (desc, ref):
    body = read_blob (desc["digest"])
    doc = json.loads (body)
    for child in doc.get ("manifests", []):
      push_manifest (child, child["digest"])
    if "config" in doc:
      for b in [doc["config"]] + doc["layers"]:
        push_blob (b["digest"])
    http ("PUT", "%s/manifests/%s" % (base, ref), body,
          {"Content-Type": desc["mediaType"]}, args.user)

  push_manifest (top[0], tag)
  print ("%s@%s" % (args.dest, top[0]["digest"]))


def main ():
  ap = argparse.ArgumentParser (description="Build galley's test images offline.")
  sub = ap.add_subparsers (dest="cmd", required=True)
  kinds = ("busybox", "multilayer", "multiarch", "owners", "manylayers")

  p = sub.add_parser ("oci", help="write or extend an OCI image layout")
  p.add_argument ("kind", choices=kinds)
  p.add_argument ("dir")
  p.add_argument ("--tag", default="latest")
  p.add_argument ("--compression", choices=("gzip", "none"), default="gzip")
  p.set_defaults (func=cmd_oci)

  p = sub.add_parser ("docker-archive", help="write a docker-archive tarball")
  p.add_argument ("kind", choices=kinds)
  p.add_argument ("file")
  p.add_argument ("--ref", default="localhost/busybox:latest")
  p.set_defaults (func=cmd_docker_archive)

  p = sub.add_parser ("expected", help="print the final tree of an image kind")
  p.add_argument ("kind", choices=kinds)
  p.set_defaults (func=cmd_expected)

  p = sub.add_parser ("push", help="push an OCI layout tag byte-exactly over plain HTTP")
  p.add_argument ("dir")
  p.add_argument ("tag")
  p.add_argument ("dest", help="HOST:PORT/NAME:TAG")
  p.add_argument ("--user", help="USER:PASSWORD for Basic auth")
  p.set_defaults (func=cmd_push)

  for p in sub.choices.values ():
    p.add_argument ("--busybox", default=os.environ.get ("BUSYBOX", "/bin/busybox"))
    p.add_argument ("--arch", default=host_arch ())
  args = ap.parse_args ()
  args.func (args)


if __name__ == "__main__":
  main ()
