// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/bundle_demux.h"

#include <string_view>

namespace rtprelay::media {
namespace {

uint16_t be16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t* p)
{
	return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
	       static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// The value of header extension `id` (RFC 8285, either form) of an RTP packet whose header
// (parse_rtp checked) is `header_length` bytes; nullopt when it has none or it does not fit.
std::optional<std::span<const uint8_t>> find_extension(std::span<const uint8_t> p,
                                                       size_t header_length, uint8_t id)
{
	if (!(p[0] & 0x10))
		return std::nullopt;
	size_t at = 12 + 4 * static_cast<size_t>(p[0] & 0x0f);
	if (at + 4 > header_length)
		return std::nullopt;
	uint16_t profile = be16(&p[at]);
	size_t end = at + 4 + 4 * static_cast<size_t>(be16(&p[at + 2]));
	bool one_byte = profile == 0xBEDE;            // RFC 8285 4.2
	bool two_byte = (profile & 0xFFF0) == 0x1000; // RFC 8285 4.3
	if (end > header_length || (!one_byte && !two_byte))
		return std::nullopt;
	for (at += 4; at < end;) {
		uint8_t first = p[at];
		if (first == 0) { // padding
			at++;
			continue;
		}
		uint8_t element = one_byte ? first >> 4 : first;
		if (one_byte && element == 15)
			return std::nullopt; // the rest is not to be read
		size_t value = at + (one_byte ? 1 : 2);
		if (value > end)
			return std::nullopt;
		size_t len = one_byte ? (first & 0x0fu) + 1 : p[at + 1];
		if (value + len > end)
			return std::nullopt;
		if (element == id)
			return p.subspan(value, len);
		at = value + len;
	}
	return std::nullopt;
}

// RTCP packet types (RFC 3550, 4585) whose SSRCs name media.
constexpr uint8_t kSenderReport = 200, kReceiverReport = 201, kTransportFeedback = 205,
                  kPayloadFeedback = 206;

} // namespace

std::optional<size_t> BundleDemux::Table::find(uint32_t ssrc) const
{
	for (size_t i = 0; i < count; i++)
		if (entries[i].ssrc == ssrc)
			return entries[i].line;
	return std::nullopt;
}

void BundleDemux::Table::put(uint32_t ssrc, size_t line, bool pin)
{
	for (size_t i = 0; i < count; i++)
		if (entries[i].ssrc == ssrc) {
			if (i >= pinned || pin) // the SDP's word is not overridden by a packet
				entries[i].line = static_cast<uint8_t>(line);
			return;
		}
	size_t slot = count;
	if (count == entries.size()) {
		if (pinned == entries.size())
			return;
		if (next < pinned || next >= entries.size())
			next = pinned;
		slot = next++;
	} else {
		count++;
	}
	if (pin) {
		// Pinned entries stay in front: the first learned one moves to the end.
		if (slot != pinned)
			entries[slot] = entries[pinned];
		slot = pinned++;
	}
	entries[slot] = {ssrc, static_cast<uint8_t>(line)};
}

void BundleDemux::configure(std::span<const Line> lines, uint8_t mid_extension)
{
	from_party_ = {};
	to_party_ = {};
	pt_line_.fill(kNoLine);
	line_count_ = std::min(lines.size(), kMaxLines);
	mid_extension_ = mid_extension;
	for (size_t i = 0; i < line_count_; i++) {
		mids_[i] = lines[i].mid;
		for (uint8_t pt : lines[i].payload_types) {
			if (pt >= pt_line_.size())
				continue;
			int8_t& at = pt_line_[pt];
			at = at == kNoLine || at == static_cast<int8_t>(i) ? static_cast<int8_t>(i)
			                                                   : kSeveralLines;
		}
		for (uint32_t ssrc : lines[i].ssrcs)
			from_party_.put(ssrc, i, true);
	}
}

std::optional<size_t> BundleDemux::mid_line(std::span<const uint8_t> p, const RtpHeader& h) const
{
	if (!mid_extension_)
		return std::nullopt;
	auto value = find_extension(p, h.header_length, mid_extension_);
	if (!value)
		return std::nullopt;
	std::string_view mid(reinterpret_cast<const char*>(value->data()), value->size());
	for (size_t i = 0; i < line_count_; i++)
		if (mids_[i] == mid)
			return i;
	return std::nullopt;
}

std::optional<size_t> BundleDemux::rtp(std::span<const uint8_t> packet, const RtpHeader& h)
{
	if (auto line = mid_line(packet, h)) {
		from_party_.put(h.ssrc, *line, false);
		return line;
	}
	if (auto line = from_party_.find(h.ssrc))
		return line;
	int8_t by_pt = h.payload_type < pt_line_.size() ? pt_line_[h.payload_type] : kNoLine;
	if (by_pt < 0)
		return std::nullopt;
	from_party_.put(h.ssrc, static_cast<size_t>(by_pt), false);
	return static_cast<size_t>(by_pt);
}

size_t BundleDemux::rtcp(std::span<const uint8_t> p) const
{
	// Each packet of the compound in turn: the first SSRC that names a line decides.
	for (size_t at = 0; at + 8 <= p.size();) {
		const uint8_t* q = &p[at];
		size_t len = (static_cast<size_t>(be16(q + 2)) + 1) * 4;
		if (at + len > p.size())
			break;
		if (auto line = from_party_.find(be32(q + 4)))
			return *line;
		uint8_t type = q[1];
		size_t blocks = q[0] & 0x1f;
		size_t named = type == kTransportFeedback || type == kPayloadFeedback ? 8
		               : type == kReceiverReport && blocks                    ? 8
		               : type == kSenderReport && blocks                      ? 28
		                                                                      : 0;
		if (named && named + 4 <= len)
			if (auto line = to_party_.find(be32(q + named)))
				return *line;
		at += len;
	}
	return 0;
}

void BundleDemux::sent(uint32_t ssrc, size_t line)
{
	// Most packets repeat a known SSRC on the same line: look before writing.
	if (to_party_.find(ssrc) != line)
		to_party_.put(ssrc, line, false);
}

} // namespace rtprelay::media
