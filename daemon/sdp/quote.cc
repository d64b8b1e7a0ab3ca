// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/quote.h"

#include <algorithm>
#include <array>

#include "util/strings.h"

namespace rtprelay::sdp {
namespace {

// Words after which SDP carries secrets: SDES keys (a=crypto:... inline:KEY), k= lines, MIKEY
// (a=key-mgmt), and the ICE password. Matched case-insensitively anywhere in the text, since a
// malformed line need not have the shape of the attribute it was meant to be.
constexpr std::array<std::string_view, 5> kSecretMarkers = {"inline:", "crypto", "key", "pwd",
                                                            "k="};

char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Offset just past the first marker in `text`, or npos.
size_t end_of_first_marker(std::string_view text)
{
	size_t best = std::string_view::npos;
	for (std::string_view m : kSecretMarkers) {
		auto it = std::search(text.begin(), text.end(), m.begin(), m.end(),
		                      [](char a, char b) { return lower(a) == b; });
		if (it != text.end())
			best = std::min(best, static_cast<size_t>(it - text.begin()) + m.size());
	}
	return best;
}

} // namespace

std::string quote(std::string_view text)
{
	size_t cut = std::min({text.size(), kMaxQuote, end_of_first_marker(text)});
	std::string out = printable(text.substr(0, cut), 4 * kMaxQuote); // room for \xNN escapes
	if (cut < text.size())
		out += "...";
	return out;
}

bool may_carry_secret(std::string_view line)
{
	return end_of_first_marker(line) != std::string_view::npos;
}

} // namespace rtprelay::sdp
