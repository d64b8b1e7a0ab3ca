"""The kernel benchmark (run.py --guest): boots Debian's kernel under QEMU through
t/kernel/run.sh with bench/guest_bench.sh as the guest program, which runs the same one-call
max-rate search and a fixed load against rtprelayd forwarding in the kernel and in userspace,
and a cost meter over those two paths, Debian's rtpengine with its kernel module and the
kernel's own IP forwarding. Prints them and their ratios. Python 3 stdlib only.

Environment: BENCH_ONLY=cost runs the cost meter alone; GUEST_WORK is the guest's scratch
directory (default /tmp/rtprelay-bench-guest); GUEST_CMDLINE is more kernel command line."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(lines):
    """{path: {"max": RESULT fields, "load": LOAD fields, ...}} from the guest's BENCH lines,
    and the cost meter's {"cost": {row: {path: fields}}, "cost_ratio": {row: {"a/b": fields}}}."""
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[0] != "BENCH":
            continue
        if parts[1] in ("COST", "COSTRATIO") and len(parts) >= 4:
            kind = "cost" if parts[1] == "COST" else "cost_ratio"
            fields = dict(kv.split("=", 1) for kv in parts[4:] if "=" in kv)
            out.setdefault(kind, {}).setdefault(parts[2], {})[parts[3]] = fields
            continue
        kind = {"RESULT": "max", "LOAD": "load", "FLOOD": "flood"}.get(parts[2], parts[2])
        fields = dict(kv.split("=", 1) for kv in parts[3:] if "=" in kv)
        out.setdefault(parts[1], {})[kind] = fields
    return out


def num(d, key):
    try:
        return float(d.get(key, "nan"))
    except ValueError:
        return float("nan")


# The cost meter's paths, in its table's column order, and what each is.
COST_PATHS = ("kernel", "rtpengine", "forward", "userspace")
COST_LEGEND = ("kernel: rtprelayd, xt_RTPRELAY; rtpengine: Debian's rtpengine 10.5, xt_RTPENGINE;"
               " forward: the kernel's IP forwarding, no relay; userspace: rtprelayd, no module")


def run_guest(args):
    # TCG's HPET costs an emulated device access per clock read; a real machine reads the TSC
    # (in the vDSO for userspace). Both paths read clocks per packet or batch, so the guest
    # uses the TSC too.
    only = os.environ.get("BENCH_ONLY", "")
    cmdline = os.environ.get("GUEST_CMDLINE", "clocksource=tsc tsc=reliable")
    if only:
        cmdline += f" bench_only={only}"
    # The cost meter's rounds take about 2 minutes each under TCG, the whole guest about 15
    # minutes; a busy host can double that.
    env = dict(os.environ, NO_INSTALL="1",
               WORK=os.environ.get("GUEST_WORK", "/tmp/rtprelay-bench-guest"),
               BOOT_TIMEOUT="2400", GUEST_SCRIPT=os.path.join(ROOT, "bench", "guest_bench.sh"),
               GUEST_CMDLINE=cmdline)
    print("\n### guest: kernel vs userspace forwarding (QEMU/TCG, 2 vCPUs)", flush=True)
    proc = subprocess.run([os.path.join(ROOT, "t", "kernel", "run.sh")], env=env,
                          stdout=subprocess.PIPE, text=True, timeout=2700)
    sys.stdout.write(proc.stdout)
    res = parse(proc.stdout.splitlines())
    k, u = res.get("kernel", {}), res.get("userspace", {})
    paths_missing = not only and ("max" not in k or "max" not in u)
    if proc.returncode != 0 or "cost" not in res or paths_missing:
        return {"error": "guest benchmark failed (see above)", **res}
    clock = res.get("guest", {}).get("ENV", {}).get("clocksource", "?")
    if not only:
        print_paths(k, u, clock)
    print_cost(res["cost"], res.get("cost_ratio", {}))
    sys.stdout.flush()
    out = {"kernel": k, "userspace": u, "cost": res["cost"],
           "cost_ratio": res.get("cost_ratio", {})}
    if not only:
        out["ratio_rtpload_max_pps"] = ratio(num(k["max"], "max_pps_per_dir"),
                                             num(u["max"], "max_pps_per_dir"))
        out["ratio_flood_max_pps"] = ratio(num(k.get("flood", {}), "max_pps"),
                                           num(u.get("flood", {}), "max_pps"))
    return out


def ratio(a, b):
    """a / b, or None unless both are positive readings."""
    return a / b if a > 0 and b > 0 else None


def print_paths(k, u, clock):
    """Our kernel path against our userspace path: flood search, max-rate, fixed load."""
    kf, uf = k.get("flood", {}), u.get("flood", {})
    rows = []
    if kf and uf:
        kx, ux = num(kf, "max_pps"), num(uf, "max_pps")
        kb = ">=" if kf.get("limited_by") == "generator" else ""
        rows += [
            ("max lossless pps, one direction (flood)", f"{kb}{kx:.0f}", f"{ux:.0f}",
             f"{kb}{kx / ux:.1f}x" if ux else "-"),
            ("  search stopped by", kf.get("limited_by", "-"), uf.get("limited_by", "-"), ""),
            ("  relay CPU (cpu1) % at that rate", kf.get("cpu1_pct", "-"),
             uf.get("cpu1_pct", "-"), ""),
        ]
        # CPU 1 per packet at each path's own best rate: comparable even when the generator,
        # not the path, ended the kernel's search.
        kc, uc = num(kf, "cpu1_pct"), num(uf, "cpu1_pct")
        if kx and ux and kc and uc:
            kus, uus = kc * 1e4 / kx, uc * 1e4 / ux
            rows.append(("  CPU 1 µs per packet at that rate", f"{kus:.1f}", f"{uus:.1f}",
                         f"{uus / kus:.1f}x less"))
    km, um = k["max"], u["max"]
    kmax, umax = num(km, "max_pps_per_dir"), num(um, "max_pps_per_dir")
    # A search the generator stopped says only that the path managed at least that much.
    kbound = ">=" if km.get("limited_by") == "generator" else ""
    ubound = ">=" if um.get("limited_by") == "generator" else ""
    r = kmax / umax if umax else float("nan")
    rows += [
        ("rtpload: max lossless pps / direction", f"{kbound}{kmax:.0f}", f"{ubound}{umax:.0f}",
         f"{'>=' if kbound and not ubound else ''}{r:.1f}x"),
        ("  search stopped by", km.get("limited_by", "-"), um.get("limited_by", "-"), ""),
        ("relay process CPU % at max", km.get("relay_cpu_pct", "-"),
         um.get("relay_cpu_pct", "-"), ""),
    ]
    kl, ul = k.get("load", {}), u.get("load", {})
    if kl and ul:
        kc, uc = num(kl, "cpu1_pct"), num(ul, "cpu1_pct")
        rows += [
            ("50 calls @ 50 pps: relay CPU (cpu1) %", f"{kc:.0f}", f"{uc:.0f}",
             f"{uc / kc:.1f}x less" if kc else "-"),
            ("50 calls @ 50 pps: relay process CPU %", kl.get("relay_cpu_pct", "-"),
             ul.get("relay_cpu_pct", "-"), ""),
            ("50 calls @ 50 pps: loss %", kl.get("loss_pct", "-"), ul.get("loss_pct", "-"), ""),
        ]
    print(f"\n## guest summary: kernel / userspace (guest clock source: {clock})")
    print(f"{'':42} {'kernel':>12} {'userspace':>12} {'ratio':>10}")
    for label, a, b, rr in rows:
        print(f"{label:42} {a:>12} {b:>12} {rr:>10}")


def print_cost(cost, ratios):
    """The cost meter: per row, each path's median CPU 1 time per packet, then each ratio's
    median and spread over the rounds (each round's ratio is taken within that round)."""
    print("\n## guest cost meter: CPU 1 µs per packet, median of the rounds (min..max)")
    print(f"  {COST_LEGEND}")
    print(f"{'row':10} {'pps':>6} " + " ".join(f"{p:>18}" for p in COST_PATHS))
    for row, paths in cost.items():
        pps = next(iter(paths.values())).get("pps", "?")
        cells = []
        for p in COST_PATHS:
            f = paths.get(p)
            cells.append(f"{f['median']} ({f['min']}..{f['max']})" if f else "-")
        print(f"{row:10} {pps:>6} " + " ".join(f"{c:>18}" for c in cells))
    print("ratios, per round, median (min..max, rounds with a ratio):")
    for row, pairs in ratios.items():
        for pair, f in pairs.items():
            print(f"  {row:10} {pair:20} {f['median']:>6} ({f['min']}..{f['max']}, {f['n']})")
