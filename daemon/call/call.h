// SPDX-License-Identifier: GPL-3.0-or-later
// A call (call-id) and its monologues (one per SIP tag). Created and looked up by the
// registry on the control thread, but everything inside is read and changed only on the call's
// media loop, so the packet path needs no locks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/journal.h"
#include "call/media.h"
#include "call/runtime_limits.h"
#include "media/media_loop.h"

namespace rtprelay::call {

struct Monologue {
	Monologue(std::string t, Journal& j) : tag(std::move(t)), journal(j) {}
	Monologue(const Monologue&) = delete;
	Monologue& operator=(const Monologue&) = delete;

	std::string tag;  // empty until the answer names it
	Journal& journal; // its call's
	std::string label;
	std::string via_branch;
	int64_t created_ms = 0;
	Monologue* peer = nullptr; // the party this one talks to
	std::vector<std::unique_ptr<Media>> medias;
	std::vector<std::string> bundle; // the mids of its last a=group:BUNDLE (call/bundle.h)

	std::string last_sdp_out; // to bump o= version only when the SDP changed
	uint64_t sdp_version_out = 0;

	Media& media_at(int index); // creates missing m= lines up to index
};

class Call final : public media::Pinned {
public:
	// The creator registers the call with its loop (MediaLoop::add_call, on that loop's
	// thread); destruction, also on that thread, unregisters it.
	// `limits` (the timeouts) outlives the call: the registry owns it.
	Call(std::string call_id, media::MediaLoop& loop, const RuntimeLimits& limits,
	     int64_t now_ms);
	~Call() override;
	Call(const Call&) = delete;
	Call& operator=(const Call&) = delete;

	const std::string& id() const override { return id_; }
	// Once a second on its loop: folds in the kernel's counters, then applies the timeouts.
	std::optional<std::string> check(int64_t now_ms) override;
	// Each party's RTP stream of each m= line (not the RTCP sockets, as in rtpengine).
	void count_paths(media::MediaPathCount& out) override;
	// An endpoint was confirmed, or an SRTP session went on past what its last copy would
	// let a restarted relay continue from, since the last call: HA writes the call again.
	bool take_change() override;
	media::MediaLoop& loop() const { return loop_; }
	int64_t created_ms() const { return created_ms_; }

	Monologue* find(std::string_view tag);
	const Monologue* find(std::string_view tag) const;
	Monologue& get_or_create(std::string_view tag, int64_t now_ms);
	// The party answering `offerer`'s offer as `tag`, or null when there is no offer to
	// answer. Every fork of an offer got the same SDP and sends to the sockets of the
	// offerer's peer, so a fork that answers takes that party over; the fork that held it
	// before stays as a party of its own without sockets (its tag, label and creation
	// time), which a delete can end alone. An earlier fork that answers again takes the
	// sockets back the same way.
	Monologue* answerer(Monologue& offerer, std::string_view tag, int64_t now_ms);
	// The party a delete names, as rtpengine picks it: the to-tag's, else the via-branch's
	// or the from-tag's; a to-tag nobody answered with names the offerer of an offer never
	// answered. Null when the tags name nobody.
	Monologue* party_to_delete(std::string_view from_tag, std::string_view to_tag,
	                           std::string_view via_branch);
	// What a delete naming these tags ends alone: that party, when two others still talk
	// (one fork of a forked call). Returns whether it removed one; if not, the delete ends
	// the whole call.
	bool remove_named(std::string_view from_tag, std::string_view to_tag,
	                  std::string_view via_branch);
	// Two parties other than `without` send each other media.
	bool has_talking_pair(const Monologue* without = nullptr) const;
	// Removes a monologue and every reference to it; the kernel no longer forwards to it.
	void remove(Monologue& m);
	// After signalling changed who sends to whom (offer, answer, remove): every stream's
	// `sinks` anew. The packet path reads them as they are, so whatever changes an m= line's
	// peer, rejection, BUNDLE transport, rtcp-mux or allocation must call this.
	void reroute();
	// Ends all forwarding for a call about to be destroyed: kernel targets go now and the
	// sockets are no longer read, so no packet brings a target back before the call goes.
	void stop_forwarding();
	std::vector<std::unique_ptr<Monologue>>& monologues() { return monologues_; }
	const std::vector<std::unique_ptr<Monologue>>& monologues() const { return monologues_; }

	int64_t last_signal_ms = 0;
	int64_t answered_ms = 0;  // 0 until the first answer
	int64_t delete_at_ms = 0; // 0 unless deleted with a delay; signalling clears it
	Journal journal;          // what rebuilds the call (ha/)

private:
	std::string id_;
	media::MediaLoop& loop_;
	const RuntimeLimits& limits_;
	int64_t created_ms_;
	std::vector<std::unique_ptr<Monologue>> monologues_;
	// What take_change() watches (call.cc, progress_of) over all its parties, the removed
	// ones included, at the last take_change(); and that of the removed parties.
	uint64_t progress_seen_ = 0;
	uint64_t progress_removed_ = 0;
};

} // namespace rtprelay::call
