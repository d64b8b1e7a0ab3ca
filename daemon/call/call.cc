// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/call.h"

#include <algorithm>

#include "call/kernelizer.h"
#include "call/timeouts.h"

namespace rtprelay::call {

bool Monologue::has_tag(std::string_view t) const
{
	return tag == t || std::find(old_tags.begin(), old_tags.end(), t) != old_tags.end();
}

Media& Monologue::media_at(int index)
{
	while (static_cast<int>(medias.size()) < index)
		medias.push_back(
		        std::make_unique<Media>(*this, static_cast<int>(medias.size()) + 1));
	return *medias[static_cast<size_t>(index - 1)];
}

Call::Call(std::string call_id, media::MediaLoop& loop, int64_t now_ms)
    : last_signal_ms(now_ms), id_(std::move(call_id)), loop_(loop), created_ms_(now_ms)
{
}

Call::~Call()
{
	loop_.remove_call(*this);
}

std::optional<std::string> Call::check(const Config& config, int64_t now_ms)
{
	kernel_refresh(*this); // kernel traffic counts as media for the timeouts
	return timeout_reason(*this, config, now_ms);
}

Monologue* Call::find(std::string_view tag)
{
	for (auto& m : monologues_)
		if (m->has_tag(tag))
			return m.get();
	return nullptr;
}

Monologue& Call::get_or_create(std::string_view tag, int64_t now_ms)
{
	if (Monologue* m = find(tag))
		return *m;
	monologues_.push_back(std::make_unique<Monologue>(std::string(tag)));
	monologues_.back()->created_ms = now_ms;
	return *monologues_.back();
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
	std::erase_if(monologues_, [&](const auto& m) { return m.get() == &gone; });
}

void Call::stop_forwarding()
{
	for (auto& m : monologues_)
		for (auto& media : m->medias) {
			kernel_take_back(*media);
			media->rtp.read_event.reset();
			media->rtcp.read_event.reset();
		}
}

} // namespace rtprelay::call
