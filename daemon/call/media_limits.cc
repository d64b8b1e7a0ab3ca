// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/media_limits.h"

#include "util/strings.h"

namespace rtprelay::call {
namespace {

// The Media a party gains from an SDP of `lines` m= lines (media_at creates missing ones).
size_t added(const Monologue* m, size_t lines)
{
	size_t has = m ? m->medias.size() : 0;
	return lines > has ? lines - has : 0;
}

} // namespace

Result<void> check_offer_media(const Call& call, const SignalOptions& options, size_t lines)
{
	if (lines > kMaxMediaLines)
		return Error{
		        strprintf("too many m= lines (%zu, at most %zu)", lines, kMaxMediaLines)};
	const Monologue* sender = call.find(options.from_tag);
	const Monologue* receiver = !options.to_tag.empty() ? call.find(options.to_tag)
	                            : sender                ? sender->peer
	                                                    : nullptr;
	size_t held = 0;
	for (const auto& m : call.monologues())
		held += m->medias.size();
	size_t total = held + added(sender, lines) + added(receiver, lines);
	if (total > kMaxCallMedia)
		return Error{strprintf("too many m= lines in this call (%zu over its parties, at "
		                       "most %zu)",
		                       total, kMaxCallMedia)};
	return {};
}

Result<void> check_answer_media(const Monologue& offerer, size_t lines)
{
	if (lines > offerer.medias.size())
		return Error{strprintf("answer has more m= lines (%zu) than the offer (%zu)", lines,
		                       offerer.medias.size())};
	return {};
}

} // namespace rtprelay::call
