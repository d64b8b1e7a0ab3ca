// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/writer.h"

namespace rtprelay::sdp {

namespace {

size_t section_size(const Section& s)
{
	size_t n = 0;
	for (const auto& l : s.lines())
		n += l.value.size() + 4;
	return n;
}

void append_section(std::string& out, const Section& s)
{
	for (const auto& l : s.lines()) {
		out += l.type;
		out += '=';
		out += l.value;
		out += "\r\n";
	}
}

} // namespace

std::string write(const Session& session)
{
	size_t size = section_size(session);
	for (const auto& m : session.media())
		size += section_size(m);
	std::string out;
	out.reserve(size);
	append_section(out, session);
	for (const auto& m : session.media())
		append_section(out, m);
	return out;
}

} // namespace rtprelay::sdp
