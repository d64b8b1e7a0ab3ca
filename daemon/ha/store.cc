// SPDX-License-Identifier: GPL-3.0-or-later
#include "ha/store.h"

#include <limits>
#include <span>

namespace rtprelay::ha {

namespace {

// The streams whose destination a party's packets proved (not the SDP's, nor ICE's).
std::vector<LearnedEndpoint> learned_endpoints(const call::Call& call)
{
	std::vector<LearnedEndpoint> out;
	for (const auto& ml : call.monologues()) {
		if (ml->tag.empty())
			continue; // nothing to find it by again
		for (const auto& m : ml->medias)
			for (const call::Stream* s : {&m->rtp, &m->rtcp}) {
				const media::EndpointLearning& l = s->learning;
				if (l.learned() && l.confirmed() && l.destination())
					out.push_back({ml->tag, m->index, s == &m->rtcp,
					               l.destination()->to_string()});
			}
	}
	return out;
}

// Where each SSRC of one SRTP session stands.
void add_progress(std::vector<SrtpProgress>& out, const std::string& tag, int media, bool outbound,
                  const crypto::SrtpSession& session)
{
	crypto::SrtpState st = session.state();
	for (size_t i = 0; i < st.ssrc_count; i++) {
		const crypto::SrtpSsrcState& x = st.ssrcs[i];
		if (x.has_rtp || x.has_srtcp)
			out.push_back({tag, media, outbound, x.ssrc, x.has_rtp, x.roc,
			               x.highest_seq, x.has_srtcp, x.srtcp_index});
	}
}

// ... and of each session of the call (none for plain RTP).
std::vector<SrtpProgress> srtp_progress(const call::Call& call)
{
	std::vector<SrtpProgress> out;
	for (const auto& ml : call.monologues()) {
		if (ml->tag.empty())
			continue;
		for (const auto& m : ml->medias) {
			if (m->decrypt)
				add_progress(out, ml->tag, m->index, false, *m->decrypt);
			if (m->encrypt)
				add_progress(out, ml->tag, m->index, true, *m->encrypt);
		}
	}
	return out;
}

// The keys of each m= line a DTLS association keyed (the sessions hold them).
std::vector<DtlsKeys> dtls_keys(const call::Call& call)
{
	std::vector<DtlsKeys> out;
	for (const auto& ml : call.monologues()) {
		if (ml->tag.empty())
			continue;
		for (const auto& m : ml->medias) {
			if (!m->dtls_keyed || !m->decrypt || !m->encrypt)
				continue;
			auto bytes = [](std::span<const uint8_t> b) {
				return std::string(reinterpret_cast<const char*>(b.data()),
				                   b.size());
			};
			out.push_back({ml->tag, m->index, std::string(m->encrypt->suite().name),
			               bytes(m->encrypt->keying().key_salt()),
			               bytes(m->decrypt->keying().key_salt())});
		}
	}
	return out;
}

// What each party's ICE checks selected, per m= line and component.
std::vector<IceSelection> ice_selections(const call::Call& call)
{
	std::vector<IceSelection> out;
	for (const auto& ml : call.monologues()) {
		if (ml->tag.empty())
			continue;
		for (const auto& m : ml->medias) {
			if (!m->ice)
				continue;
			for (unsigned c = 1; c <= ice::Agent::kComponents; c++)
				if (const auto& sel = m->ice->selected(c))
					out.push_back({ml->tag, m->index, static_cast<int>(c),
					               static_cast<int>(m->ice->selected_local(c)),
					               sel->to_string(), m->ice->nominated(c)});
		}
	}
	return out;
}

} // namespace

CallDocument document_of(const call::Call& call)
{
	return {call.id(),
	        call.created_ms(),
	        call.last_signal_ms,
	        call.journal.requests(),
	        call.journal.leases(),
	        call.journal.secrets(),
	        learned_endpoints(call),
	        srtp_progress(call),
	        dtls_keys(call),
	        ice_selections(call)};
}

Store::Store(call::Registry& calls, RedisLink& link, int expires_s)
    : calls_(calls), link_(link), expires_s_(expires_s)
{
}

void Store::changed(const std::string& call_id)
{
	call::Registry::Handle* h = calls_.find(call_id);
	if (!h)
		return;
	calls_.run<std::string>(
	        *h, [](call::Call& c) { return write_document(document_of(c)); },
	        [this, call_id, serial = h->serial](std::string doc) {
		        // Ended while its document was copied: its removal is queued already, and a
		        // write now would bring it back.
		        call::Registry::Handle* now = calls_.find(call_id);
		        if (!now || now->serial != serial)
			        return;
		        link_.set(document_key(call_id), std::move(doc), expires_s_);
	        });
}

void Store::ended(const std::string& call_id)
{
	link_.del(document_key(call_id));
}

void Store::write_all()
{
	for (const std::string& id : calls_.ids(std::numeric_limits<size_t>::max()))
		changed(id);
}

} // namespace rtprelay::ha
