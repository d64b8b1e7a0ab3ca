// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/kernel_state.h"

#include <algorithm>

#include "kernel/channel.h"
#include "util/log.h"

namespace rtprelay::call {
namespace {

KernelSsrc& slot(KernelSsrcs& list, size_t& n, uint32_t ssrc)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].ssrc == ssrc)
			return list[i];
	list[n] = KernelSsrc{ssrc};
	return list[n++];
}

// Adds one target's figures for an SSRC to k.
void add(KernelSsrc& k, const rtprelay_ssrc_stats& s)
{
	k.packets += s.packets;
	k.expected += s.expected;
	k.lost += s.lost;
	if (s.packets) // a slot the target only expected has no jitter of its own
		k.jitter = s.jitter;
}

} // namespace

void KernelState::installed(kernel::Channel& channel, const net::Endpoint& local)
{
	if (!channel_)
		channel.count_targets(1); // not a replacement
	channel_ = &channel;
	local_ = local;
	live_ = {};
}

void KernelState::remove()
{
	if (!channel_)
		return;
	retire_live();
	auto cmd = kernel::build_del_target(local_);
	if (cmd) {
		if (auto r = channel_->del_target(*cmd); !r)
			log::warn(log::Subsystem::kCore, "%s (%s)", r.error().reason.c_str(),
			          local_.to_string().c_str());
	}
	channel_->count_targets(-1);
	channel_ = nullptr;
}

void KernelState::retire_live()
{
	for (size_t i = 0; i < retired_up_.size(); i++)
		retired_up_[i] += live_.to_userspace[i];
	for (const auto& s : live_.ssrc) {
		if (!s.valid)
			continue;
		auto it = std::find_if(retired_.begin(), retired_.begin() + retired_count_,
		                       [&](const KernelSsrc& k) { return k.ssrc == s.ssrc; });
		if (it == retired_.begin() + retired_count_) {
			// Full: the oldest SSRC makes room; its figures are history by now.
			if (retired_count_ == retired_.size()) {
				std::move(retired_.begin() + 1, retired_.end(), retired_.begin());
				retired_count_--;
			}
			it = retired_.begin() + retired_count_++;
			*it = KernelSsrc{s.ssrc};
		}
		add(*it, s);
	}
	live_ = {};
}

size_t KernelState::ssrcs(KernelSsrcs& out) const
{
	size_t n = 0;
	for (size_t i = 0; i < retired_count_; i++)
		out[n++] = retired_[i];
	for (const auto& s : live_.ssrc) {
		if (!s.valid)
			continue;
		KernelSsrc& k = slot(out, n, s.ssrc);
		add(k, s);
		k.live = s.packets != 0;
	}
	return n;
}

std::array<uint64_t, RTPRELAY_UP_COUNT> KernelState::to_userspace() const
{
	auto sum = retired_up_;
	for (size_t i = 0; i < sum.size(); i++)
		sum[i] += live_.to_userspace[i];
	return sum;
}

} // namespace rtprelay::call
