// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/bundle.h"

#include <string>
#include <vector>

#include "call/media.h"

namespace rtprelay::call {
namespace {

std::vector<std::string> words_of(std::string_view s)
{
	std::vector<std::string> out;
	size_t at = 0;
	while (at < s.size()) {
		size_t end = s.find(' ', at);
		if (end == std::string_view::npos)
			end = s.size();
		if (end > at)
			out.emplace_back(s.substr(at, end - at));
		at = end + 1;
	}
	return out;
}

} // namespace

void read_bundle(Monologue& party, const sdp::Session& session)
{
	party.bundle.clear();
	for (std::string_view group : session.attrs("group")) {
		auto words = words_of(group);
		if (words.empty() || words.front() != "BUNDLE")
			continue;
		party.bundle.assign(words.begin() + 1, words.end());
		break;
	}
	int index = 0;
	for (const sdp::Media& section : session.media())
		party.media_at(++index).mid = std::string(section.attr("mid").value_or(""));
}

void write_bundle(sdp::Session& session, const Monologue& receiver, bool answering)
{
	if (!answering)
		return;
	session.remove_attr("group");
	for (size_t i = 0; i < session.media().size(); i++) {
		sdp::Media& section = session.media()[i];
		section.remove_attr("mid");
		if (i < receiver.medias.size() && !receiver.medias[i]->mid.empty())
			section.add_attr("mid", receiver.medias[i]->mid);
	}
	if (receiver.bundle.size() != 1)
		return;
	for (const auto& m : receiver.medias)
		if (m->mid == receiver.bundle.front() && !m->rejected)
			session.add_attr("group", "BUNDLE " + m->mid);
}

} // namespace rtprelay::call
