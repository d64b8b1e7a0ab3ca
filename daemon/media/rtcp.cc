// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/rtcp.h"

namespace rtprelay::media {
namespace {

enum : uint8_t { kSr = 200, kRr = 201, kXr = 207 };
enum : uint8_t { kXrRrtr = 4, kXrDlrr = 5, kXrVoip = 7 };
constexpr size_t kReportBlockLen = 24, kSenderInfoLen = 20, kVoipLen = 36;

uint16_t be16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t* p)
{
	return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

uint64_t be64(const uint8_t* p)
{
	return uint64_t{be32(p)} << 32 | be32(p + 4);
}

template <class T, size_t N>
T* next(std::array<T, N>& items, size_t& count, size_t& skipped)
{
	if (count == N) {
		skipped++;
		return nullptr;
	}
	return &items[count++];
}

// `count` report blocks of `reporter` at `p`, which holds at least count * 24 bytes.
void read_blocks(const uint8_t* p, size_t count, uint32_t reporter, RtcpCompound& out)
{
	for (size_t i = 0; i < count; i++, p += kReportBlockLen) {
		RtcpReportBlock* b = next(out.blocks, out.block_count, out.skipped);
		if (!b)
			continue;
		uint32_t lost = be32(p + 4) & 0xffffff;
		b->reporter = reporter;
		b->source = be32(p);
		b->fraction_lost = p[4];
		// Sign-extend the 24-bit count: negative when duplicates outnumber losses.
		b->cumulative_lost = static_cast<int32_t>(lost ^ 0x800000) - 0x800000;
		b->highest_seq = be32(p + 8);
		b->jitter = be32(p + 12);
		b->lsr = be32(p + 16);
		b->dlsr = be32(p + 20);
	}
}

// SR or RR body after the 4-byte header; `rc` blocks must fit.
bool read_report(const uint8_t* p, size_t len, bool sr, size_t rc, RtcpCompound& out)
{
	size_t fixed = 4 + (sr ? kSenderInfoLen : 0);
	if (len < fixed + rc * kReportBlockLen)
		return false;
	uint32_t reporter = be32(p);
	if (sr)
		if (RtcpSenderInfo* s = next(out.senders, out.sender_count, out.skipped))
			*s = {reporter, be64(p + 4), be32(p + 12), be32(p + 16), be32(p + 20)};
	read_blocks(p + fixed, rc, reporter, out);
	return true;
}

void read_voip(const uint8_t* b, uint32_t reporter, RtcpCompound& out)
{
	RtcpVoipMetrics* v = next(out.voip, out.voip_count, out.skipped);
	if (!v)
		return;
	v->reporter = reporter;
	v->source = be32(b + 4);
	v->loss_rate = b[8];
	v->discard_rate = b[9];
	v->round_trip_delay_ms = be16(b + 16);
	v->end_system_delay_ms = be16(b + 18);
	v->r_factor = b[24];
	v->mos_lq = b[26];
	v->mos_cq = b[27];
}

// One XR report block of `len` bytes including its 4-byte header.
bool read_xr_block(const uint8_t* b, size_t len, uint32_t reporter, RtcpCompound& out)
{
	switch (b[0]) {
	case kXrVoip:
		if (len != kVoipLen)
			return false;
		read_voip(b, reporter, out);
		return true;
	case kXrRrtr:
		if (len != 12)
			return false;
		if (RtcpRrtr* r = next(out.rrtr, out.rrtr_count, out.skipped))
			*r = {reporter, be64(b + 4)};
		return true;
	case kXrDlrr:
		if ((len - 4) % 12)
			return false;
		for (size_t at = 4; at < len; at += 12)
			if (RtcpDlrr* d = next(out.dlrr, out.dlrr_count, out.skipped))
				*d = {reporter, be32(b + at), be32(b + at + 4), be32(b + at + 8)};
		return true;
	default: return true; // other block types are skipped whole
	}
}

// XR body after the 4-byte header: the reporter's SSRC, then blocks that fill it exactly.
bool read_xr(const uint8_t* p, size_t len, RtcpCompound& out)
{
	if (len < 4)
		return false;
	uint32_t reporter = be32(p);
	for (size_t at = 4; at < len;) {
		if (len - at < 4)
			return false;
		size_t block = 4 + 4 * size_t{be16(p + at + 2)};
		if (block > len - at || !read_xr_block(p + at, block, reporter, out))
			return false;
		at += block;
	}
	return true;
}

} // namespace

bool parse_rtcp(std::span<const uint8_t> p, RtcpCompound& out)
{
	out.sender_count = out.block_count = out.voip_count = out.rrtr_count = out.dlrr_count = 0;
	out.skipped = 0;
	if (p.empty())
		return false;
	for (size_t at = 0; at < p.size();) {
		const uint8_t* h = p.data() + at;
		if (p.size() - at < 4 || (h[0] >> 6) != 2)
			return false;
		size_t len = 4 + 4 * size_t{be16(h + 2)};
		if (len > p.size() - at)
			return false;
		bool last = at + len == p.size();
		size_t body = len - 4;
		if (h[0] & 0x20) { // padding: only the last packet, its count in the last byte
			if (!last || !p[p.size() - 1] || p[p.size() - 1] > body)
				return false;
			body -= p[p.size() - 1];
		}
		size_t rc = h[0] & 0x1f;
		bool ok = true;
		if (h[1] == kSr || h[1] == kRr)
			ok = read_report(h + 4, body, h[1] == kSr, rc, out);
		else if (h[1] == kXr)
			ok = read_xr(h + 4, body, out);
		if (!ok)
			return false;
		at += len;
	}
	return true;
}

} // namespace rtprelay::media
