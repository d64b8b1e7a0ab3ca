#!/usr/bin/env python3
"""Fails on an #include in daemon/ that points up or sideways a layer.

The daemon's folders are layers (docs/architecture.md, "Layers"); a file may include its own
folder and any folder of a lower layer, never a higher one nor another folder of its own layer,
so no two folders can come to depend on each other. The kernel module's headers (the ABI and
the packet logic both worlds share) sit below everything. Prints one line per violation and
ends with "layers: N passed, N failed" (one check per file).
"""
import os
import re
import sys

# Lowest first; folders on one line are peers and may not include each other.
LAYERS = [
    ["util", "version.h"],
    ["net", "event"],
    ["config"],
    ["sdp"],
    ["crypto"],
    # ICE's connectivity checks are authenticated with crypto's HMAC-SHA1.
    ["ice"],
    ["kernel"],
    ["media"],
    ["call"],
    ["ng"],
    # Control surfaces that carry ng (HTTP POST /ng) or reuse its replies (CLI jsonstats).
    ["cli", "http", "ha"],
    ["main.cc"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def unit_of(path):
    """The layer name of a path relative to daemon/: its folder, or the file at the top."""
    return path.split("/", 1)[0]


def check_file(daemon, rel):
    """Returns the violations in daemon/rel as printable lines."""
    own = unit_of(rel)
    if own not in RANK:
        return [f"daemon/{rel}: folder '{own}' has no layer: add it to t/style/layers.py "
                "and docs/architecture.md"]
    bad = []
    with open(os.path.join(daemon, rel), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(rel), m.group(1))) \
                if m.group(1).startswith("..") else m.group(1)
            if target.startswith("../kernel-module/"):
                continue  # the module's shared headers: below every layer
            dep = unit_of(target)
            if dep == own:
                continue
            if dep not in RANK:
                bad.append(f"daemon/{rel}:{lineno}: includes {m.group(1)}, in no layer")
            elif RANK[dep] >= RANK[own]:
                way = "sideways" if RANK[dep] == RANK[own] else "up"
                bad.append(f"daemon/{rel}:{lineno}: {own} includes {m.group(1)} "
                           f"({way}: {dep} is not below {own})")
    return bad


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    daemon = os.path.join(top, "daemon")
    passed = failed = 0
    for dirpath, _, files in sorted(os.walk(daemon)):
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), daemon)
            bad = check_file(daemon, rel)
            for b in bad:
                print(b)
            if bad:
                failed += 1
            else:
                passed += 1
    print(f"layers: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
