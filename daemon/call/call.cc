// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/call.h"

#include <algorithm>
#include <utility>

#include "call/kernelizer.h"
#include "call/timeouts.h"
#include "media/forwarder.h"
#include "media/uring_engine.h"

namespace rtprelay::call {

Media& Monologue::media_at(int index)
{
	while (static_cast<int>(medias.size()) < index)
		medias.push_back(
		        std::make_unique<Media>(*this, static_cast<int>(medias.size()) + 1));
	return *medias[static_cast<size_t>(index - 1)];
}

Call::Call(std::string call_id, media::MediaLoop& loop, const RuntimeLimits& limits, int64_t now_ms)
    : last_signal_ms(now_ms), id_(std::move(call_id)), loop_(loop), limits_(limits),
      created_ms_(now_ms)
{
}

Call::~Call()
{
	loop_.remove_call(*this);
}

std::optional<std::string> Call::check(int64_t now_ms)
{
	kernel_refresh(*this); // kernel traffic counts as media for the timeouts
	kernel_recheck(*this);
	return timeout_reason(*this, limits_, now_ms);
}

void Call::count_paths(media::MediaPathCount& out)
{
	for (const auto& ml : monologues_)
		for (const auto& m : ml->medias)
			out.add(m->rtp.kernel.tick_path(m->rtp.stats.packets));
}

namespace {

// What take_change() watches in one party: endpoints confirmed, and the progress of its SRTP
// sessions (a rollover counter, SRTCP indices), which only grow.
uint64_t progress_of(const Monologue& ml)
{
	uint64_t n = 0;
	for (const auto& m : ml.medias) {
		n += m->rtp.learning.confirmations() + m->rtcp.learning.confirmations();
		for (const auto* session : {&m->decrypt, &m->encrypt})
			if (*session)
				n += (*session)->progress();
	}
	return n;
}

} // namespace

bool Call::take_change()
{
	uint64_t progress = progress_removed_;
	for (const auto& ml : monologues_)
		progress += progress_of(*ml);
	bool changed = progress != progress_seen_;
	progress_seen_ = progress;
	return changed;
}

Monologue* Call::find(std::string_view tag)
{
	return const_cast<Monologue*>(std::as_const(*this).find(tag));
}

const Monologue* Call::find(std::string_view tag) const
{
	for (const auto& m : monologues_)
		if (m->tag == tag)
			return m.get();
	return nullptr;
}

Monologue& Call::get_or_create(std::string_view tag, int64_t now_ms)
{
	if (Monologue* m = find(tag))
		return *m;
	monologues_.push_back(std::make_unique<Monologue>(std::string(tag), journal));
	monologues_.back()->created_ms = now_ms;
	return *monologues_.back();
}

Monologue* Call::answerer(Monologue& offerer, std::string_view tag, int64_t now_ms)
{
	Monologue* known = find(tag);
	Monologue* current = offerer.peer; // holds the sockets the offer's SDP named
	bool earlier_fork = known && current && known != current && known->medias.empty();
	if (known && !earlier_fork)
		return known;
	if (!current)
		return nullptr;
	if (!known && current->tag.empty()) { // the first answer
		current->tag = std::string(tag);
		return current;
	}
	// Sockets cannot move between parties (streams point at their Media), so the
	// identities move instead.
	Monologue& fork = known ? *known : get_or_create(tag, now_ms);
	std::swap(fork.tag, current->tag);
	std::swap(fork.label, current->label);
	std::swap(fork.created_ms, current->created_ms);
	return current;
}

Monologue* Call::party_to_delete(std::string_view from_tag, std::string_view to_tag,
                                 std::string_view via_branch)
{
	auto by_branch = [&]() -> Monologue* {
		for (auto& m : monologues_)
			if (!via_branch.empty() && m->via_branch == via_branch)
				return m.get();
		return nullptr;
	};
	if (to_tag.empty())
		if (Monologue* m = by_branch())
			return m;
	if (Monologue* m = find(to_tag.empty() ? from_tag : to_tag))
		return m;
	if (Monologue* m = by_branch())
		return m;
	Monologue* offerer = to_tag.empty() ? nullptr : find(from_tag);
	if (offerer && (!offerer->peer || offerer->peer->tag.empty()))
		return offerer;
	return nullptr;
}

bool Call::remove_named(std::string_view from_tag, std::string_view to_tag,
                        std::string_view via_branch)
{
	Monologue* named =
	        from_tag.empty() ? nullptr : party_to_delete(from_tag, to_tag, via_branch);
	if (!named || !has_talking_pair(named))
		return false;
	remove(*named);
	return true;
}

bool Call::has_talking_pair(const Monologue* without) const
{
	return std::any_of(monologues_.begin(), monologues_.end(), [without](const auto& m) {
		return m.get() != without && m->peer && m->peer != without &&
		       m->peer->peer == m.get();
	});
}

void Call::remove(Monologue& gone)
{
	for (auto& m : monologues_) {
		if (m->peer == &gone)
			m->peer = nullptr;
		for (auto& media : m->medias)
			if (media->peer && &media->peer->monologue == &gone) {
				// Its target sends from the gone party's socket, which may soon
				// serve another call; without a peer it is not kernelized again.
				kernel_take_back(*media);
				media->peer = nullptr;
			}
	}
	progress_removed_ += progress_of(gone); // keeps take_change()'s sum growing
	std::erase_if(monologues_, [&](const auto& m) { return m.get() == &gone; });
	reroute();
}

void Call::reroute()
{
	for (auto& m : monologues_)
		for (auto& media : m->medias) {
			media->rtp.reroute();
			media->rtcp.reroute();
		}
}

void Call::stop_forwarding()
{
	media::UringEngine::DisarmBatch batch(loop_); // one submission for every socket
	for (auto& m : monologues_)
		for (auto& media : m->medias) {
			kernel_take_back(*media);
			media::stop_watching(media->rtp);
			media::stop_watching(media->rtcp);
		}
}

} // namespace rtprelay::call
