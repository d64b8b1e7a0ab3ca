"""The kernel benchmark (run.py --guest): boots Debian's kernel under QEMU through
t/kernel/run.sh with bench/guest_bench.sh as the guest program, which runs the same one-call
max-rate search and a fixed load against rtprelayd forwarding in the kernel and in userspace.
Prints both and their ratios. Python 3 stdlib only."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(lines):
    """{path: {"max": RESULT fields, "load": LOAD fields}} from the guest's BENCH lines."""
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[0] != "BENCH":
            continue
        kind = {"RESULT": "max", "LOAD": "load", "FLOOD": "flood", "COST": "cost",
                "COSTRATIO": "cost_ratio"}.get(parts[2], parts[2])
        fields = dict(kv.split("=", 1) for kv in parts[3:] if "=" in kv)
        out.setdefault(parts[1], {})[kind] = fields
    return out


def num(d, key):
    try:
        return float(d.get(key, "nan"))
    except ValueError:
        return float("nan")


def run_guest(args):
    # TCG's HPET costs an emulated device access per clock read; a real machine reads the TSC
    # (in the vDSO for userspace). Both paths read clocks per packet or batch, so the guest
    # uses the TSC too.
    env = dict(os.environ, NO_INSTALL="1", WORK="/tmp/rtprelay-bench-guest",
               BOOT_TIMEOUT="600", GUEST_SCRIPT=os.path.join(ROOT, "bench", "guest_bench.sh"),
               GUEST_CMDLINE=os.environ.get("GUEST_CMDLINE", "clocksource=tsc tsc=reliable"))
    print("\n### guest: kernel vs userspace forwarding (QEMU/TCG, 2 vCPUs)", flush=True)
    proc = subprocess.run([os.path.join(ROOT, "t", "kernel", "run.sh")], env=env,
                          stdout=subprocess.PIPE, text=True, timeout=900)
    sys.stdout.write(proc.stdout)
    res = parse(proc.stdout.splitlines())
    k, u = res.get("kernel", {}), res.get("userspace", {})
    if proc.returncode != 0 or "max" not in k or "max" not in u:
        return {"error": "guest benchmark failed (see above)", **res}

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
    # The cost meter (a SCHED_IDLE busy loop on CPU 1) at one rate all paths carry: what a
    # packet costs each at that rate (at higher rates both batch more and pay less). Ratios
    # are medians of the ratios within each round, which measured every path in turn.
    kcost, ucost = k.get("cost", {}), u.get("cost", {})
    kcu, ucu = num(kcost, "us_per_pkt"), num(ucost, "us_per_pkt")
    cr = res.get("guest", {}).get("cost_ratio", {})
    if kcu > 0 and ucu > 0:
        rows.append((f"CPU 1 µs per packet at {kcost.get('pps', '?')} pps (cost meter)",
                     f"{kcu:.2f}", f"{ucu:.2f}", f"{num(cr, 'userspace_kernel'):.1f}x less"))
        # The kernel routing the same packets with no relay: the work an in-kernel relay
        # shares with the kernel's own forwarding path (receive, route, hooks, transmit).
        fcu = num(res.get("forward", {}).get("cost", {}), "us_per_pkt")
        if fcu > 0:
            rows.append(("  reference: kernel IP forwarding, no relay", f"{fcu:.2f}", "",
                         f"{num(cr, 'userspace_forward'):.1f}x less"))
    km, um = k["max"], u["max"]
    kmax, umax = num(km, "max_pps_per_dir"), num(um, "max_pps_per_dir")
    # A search the generator stopped says only that the path managed at least that much.
    kbound = ">=" if km.get("limited_by") == "generator" else ""
    ubound = ">=" if um.get("limited_by") == "generator" else ""
    ratio = kmax / umax if umax else float("nan")
    rows += [
        ("rtpload: max lossless pps / direction", f"{kbound}{kmax:.0f}", f"{ubound}{umax:.0f}",
         f"{'>=' if kbound and not ubound else ''}{ratio:.1f}x"),
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
    clock = res.get("guest", {}).get("ENV", {}).get("clocksource", "?")
    print(f"\n## guest summary: kernel / userspace (guest clock source: {clock})")
    print(f"{'':42} {'kernel':>12} {'userspace':>12} {'ratio':>10}")
    for label, a, b, r in rows:
        print(f"{label:42} {a:>12} {b:>12} {r:>10}")
    sys.stdout.flush()
    flood_ratio = num(kf, "max_pps") / num(uf, "max_pps") if num(uf, "max_pps") else None
    return {"kernel": k, "userspace": u, "forward": res.get("forward", {}),
            "ratio_rtpload_max_pps": ratio, "ratio_flood_max_pps": flood_ratio,
            "cost_ratio": cr}
