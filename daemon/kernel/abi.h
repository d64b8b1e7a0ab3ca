// SPDX-License-Identifier: GPL-3.0-or-later
// The kernel module's control ABI for the daemon: the one header shared with xt_RTPRELAY and
// the iptables plugin (kernel-module/uapi/rtprelay_abi.h), whose size asserts thereby compile
// into the daemon as well. Everything in it is plain C data; copy it with memcpy.
#pragma once

#include <type_traits>

#include "../../kernel-module/uapi/rtprelay_abi.h"

namespace rtprelay::kernel {

// The structs cross the boundary as bytes: they must stay trivially copyable.
static_assert(std::is_trivially_copyable_v<rtprelay_init>);
static_assert(std::is_trivially_copyable_v<rtprelay_cmd_add_target>);
static_assert(std::is_trivially_copyable_v<rtprelay_cmd_target>);
static_assert(std::is_trivially_copyable_v<rtprelay_target_stats>);

constexpr unsigned kAbiVersion = RTPRELAY_ABI_VERSION;

} // namespace rtprelay::kernel
