// Readings from /proc and getrusage: a process's CPU time (utime + stime of all its threads,
// from /proc/<pid>/stat, in clock ticks of 1/CLK_TCK s) and UDP receive-queue drops per local
// port range (from /proc/net/udp), used to tell relay losses from generator losses.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "result.h"

namespace rtpload {

Result<double> process_cpu_seconds(pid_t pid);
double self_cpu_seconds();

// Sum of the `drops` column over IPv4 UDP sockets whose local port is in [lo, hi].
uint64_t udp_drops_in_port_range(uint32_t lo, uint32_t hi);

} // namespace rtpload
