// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/media_dtls.h"

#include <sys/socket.h>

#include <cctype>

#include "call/kernelizer.h"
#include "media/media_loop.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

constexpr auto kLog = log::Subsystem::kCore;
using Role = crypto::DtlsSession::Role;

std::string lower(std::string_view v)
{
	std::string out(v);
	for (char& c : out)
		c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
	return out;
}

// "<hash> <hex>:<hex>..." (RFC 8122 5), the hash lowercased and the digest uppercased; nullopt
// if it is not of that form.
std::optional<std::string> normalize_fingerprint(std::string_view v)
{
	size_t space = v.find(' ');
	if (space == std::string_view::npos || space == 0 || space > 16)
		return std::nullopt;
	std::string hash = lower(v.substr(0, space));
	std::string_view digest = trim(v.substr(space + 1));
	if (digest.size() < 2 || (digest.size() + 1) % 3 != 0 || digest.size() > size_t{64} * 3)
		return std::nullopt;
	std::string out = hash + " ";
	for (size_t i = 0; i < digest.size(); i++) {
		char c = digest[i];
		bool colon = i % 3 == 2;
		if (colon ? c != ':' : !isxdigit(static_cast<unsigned char>(c)))
			return std::nullopt;
		out += static_cast<char>(toupper(static_cast<unsigned char>(c)));
	}
	return out;
}

// A DTLS ClientHello (RFC 6347 4.1, 4.2.2): a handshake record of epoch 0 whose message is
// type 1. The party starting over sends one.
bool client_hello(std::span<const uint8_t> p)
{
	return p.size() > 13 && p[0] == 22 && p[3] == 0 && p[4] == 0 && p[13] == 1;
}

void forget_association(Media& m)
{
	m.dtls.reset();
	m.dtls_timer.reset();
	m.dtls_started = false;
	m.dtls_keyed = false;
	m.dtls_reported = false;
}

// The association for `role`: kept while the role and the party's certificate are the same,
// else a new one (the old keys stay until it connects).
Result<void> settle(Media& m, Role role)
{
	m.dtls_role = role;
	if (m.dtls && m.dtls->role() == role && m.dtls->fingerprint() == m.dtls_fingerprint)
		return {};
	if (!m.dtls_identity)
		return Error{"DTLS-SRTP: the relay has no certificate"};
	if (m.dtls_fingerprint.empty())
		return Error{strprintf("m= line %d: DTLS-SRTP without the party's a=fingerprint",
		                       m.index)};
	auto s = crypto::DtlsSession::create(*m.dtls_identity, role, m.dtls_fingerprint);
	if (!s)
		return s.error();
	forget_association(m);
	m.dtls = std::move(*s);
	return {};
}

// To the party, from the relay's socket its DTLS reached (under ICE, one of several).
void send(Media& m, std::span<const uint8_t> d)
{
	const media::BoundSocket* from = m.rtp.receivers[m.dtls_local].socket;
	if (!from)
		from = m.rtp.socket;
	if (!m.dtls_peer || !from)
		return;
	sockaddr_storage to;
	socklen_t n = m.dtls_peer->to_sockaddr(to);
	sendto(from->fd.get(), d.data(), d.size(), MSG_DONTWAIT,
	       reinterpret_cast<const sockaddr*>(&to), n);
}

crypto::DtlsSession::Send sender(Media& m)
{
	return [&m](std::span<const uint8_t> d) { send(m, d); };
}

void progress(Media& m);

// The packet held for the party while its keys did not exist (media/stream.h), protected and
// sent now.
void send_held(Stream& s)
{
	media::Stream::Held* h = s.held.get();
	const auto& to = s.learning.destination();
	if (!h || !h->len || !s.encrypt || !s.socket || !to) {
		if (h)
			h->len = 0;
		return;
	}
	size_t len = h->len;
	h->len = 0;
	if (s.encrypt->protect(h->data.data(), len, h->data.size(), h->rtcp) !=
	    crypto::SrtpSession::Verdict::kOk)
		return;
	sockaddr_storage addr;
	socklen_t n = to->to_sockaddr(addr);
	sendto(s.socket->fd.get(), h->data.data(), len, MSG_DONTWAIT,
	       reinterpret_cast<const sockaddr*>(&addr), n);
}

void on_timer(evutil_socket_t, short, void* arg)
{
	auto& m = *static_cast<Media*>(arg);
	if (!m.dtls)
		return;
	m.dtls->on_timer(sender(m));
	progress(m);
}

// The retransmission timer, run on the media loop while the handshake wants it.
void arm_timer(Media& m)
{
	auto ms = m.dtls ? m.dtls->timer_ms() : std::nullopt;
	if (!ms) {
		m.dtls_timer.reset();
		return;
	}
	if (!m.dtls_timer) {
		if (!m.rtp.loop)
			return;
		m.dtls_timer.reset(evtimer_new(m.rtp.loop->loop().base(), on_timer, &m));
		if (!m.dtls_timer)
			return;
	}
	timeval tv{*ms / 1000, *ms % 1000 * 1000};
	evtimer_add(m.dtls_timer.get(), &tv);
}

// The sessions keyed from an association's SRTP keys, and what waited for them sent.
Result<void> install_keys(Media& m, const sdp::SrtpSuite& suite,
                          std::span<const uint8_t> local_key_salt,
                          std::span<const uint8_t> remote_key_salt)
{
	auto dec = crypto::SrtpSession::create(suite, remote_key_salt,
	                                       crypto::SrtpSession::Direction::kInbound);
	auto enc = crypto::SrtpSession::create(suite, local_key_salt,
	                                       crypto::SrtpSession::Direction::kOutbound);
	if (!dec || !enc)
		return Error{"DTLS-SRTP keys refused: " + (dec ? enc.error() : dec.error()).reason};
	kernel_take_back_carried(m); // targets with the old keys, or none
	m.decrypt = std::move(*dec);
	m.encrypt = std::move(*enc);
	for (Stream* s : {&m.rtp, &m.rtcp}) {
		s->decrypt = &*m.decrypt;
		s->encrypt = &*m.encrypt;
	}
	m.dtls_keyed = true;
	for (Stream* s : {&m.rtp, &m.rtcp})
		send_held(*s);
	return {};
}

// After the association moved: keys the sessions once it connected, reports a failure once,
// and runs the timer.
void progress(Media& m)
{
	using State = crypto::DtlsSession::State;
	State st = m.dtls->state();
	if (st == State::kConnected && !m.dtls_keyed) {
		const crypto::DtlsSrtpKeys& k = *m.dtls->keys();
		if (auto r = install_keys(m, *k.suite, k.local_key_salt(), k.remote_key_salt());
		    !r) {
			log::warn(kLog, "m= line %d: %s", m.index, r.error().reason.c_str());
			return;
		}
		log::info(kLog, "m= line %d: DTLS-SRTP connected as %s, %.*s", m.index,
		          m.dtls->role() == Role::kActive ? "client" : "server",
		          static_cast<int>(k.suite->name.size()), k.suite->name.data());
	} else if ((st == State::kFailed || st == State::kClosed) && !m.dtls_reported) {
		m.dtls_reported = true;
		// A close after keying is the party hanging up, not a failure.
		if (m.rtp.loop && (st == State::kFailed || !m.dtls_keyed))
			m.rtp.loop->counters().dtls_failed.fetch_add(1, std::memory_order_relaxed);
		log::warn(kLog, "m= line %d: DTLS-SRTP %s: %s", m.index,
		          st == State::kFailed ? "failed" : "closed", m.dtls->reason().c_str());
	}
	arm_timer(m);
}

} // namespace

bool speaks_dtls(const Media& m)
{
	return sdp::is_dtls(sdp::protocol_from_name(m.protocol));
}

Result<void> read_dtls(Media& m, const sdp::Session& session, const sdp::Media& section,
                       bool answer, const crypto::DtlsIdentity* id)
{
	m.dtls_identity = id;
	if (!speaks_dtls(m) || m.rejected) {
		forget_association(m);
		m.dtls_role.reset();
		m.dtls_fingerprint.clear();
		return {};
	}
	auto fp = session.effective_attr(section, "fingerprint");
	if (!fp)
		return Error{strprintf("m= line %d: %s without a=fingerprint", m.index,
		                       m.protocol.c_str())};
	auto normal = normalize_fingerprint(*fp);
	if (!normal)
		return Error{strprintf("m= line %d: invalid a=fingerprint", m.index)};
	std::string tls_id(session.effective_attr(section, "tls-id").value_or(""));
	// A new certificate or tls-id is a new association (RFC 8842 5); the sessions keep the
	// old one's keys until the new one connects.
	if (m.dtls && (*normal != m.dtls_fingerprint || tls_id != m.dtls_tls_id)) {
		forget_association(m);
		m.dtls_role.reset();
	}
	m.dtls_fingerprint = *normal;
	m.dtls_tls_id = tls_id;
	m.dtls_setup = lower(session.effective_attr(section, "setup").value_or(""));
	if (!answer)
		return {};
	// The party answers the relay's offer: its role settles ours. An answer may not say
	// actpass (RFC 5763 5); taken as passive, the relay starts rather than both waiting.
	return settle(m, m.dtls_setup == "active" ? Role::kPassive : Role::kActive);
}

namespace {

// The relay's role when it answers the party's offer: the complement of the party's, else the
// one it has, else the answer's DTLS flag, else its offer's DTLS-reverse, else passive (so
// that the party starts as soon as ICE is up).
Role answering_role(const Media& to, DtlsMode mode)
{
	if (to.dtls_setup == "active")
		return Role::kPassive;
	if (to.dtls_setup == "passive")
		return Role::kActive;
	if (to.dtls_role)
		return *to.dtls_role;
	if (mode == DtlsMode::kActive)
		return Role::kActive;
	if (mode == DtlsMode::kPassive)
		return Role::kPassive;
	return to.dtls_answer_role.value_or(Role::kPassive);
}

const char* setup_of(Role r)
{
	return r == Role::kActive ? "active" : "passive";
}

// The a=setup of an offer to the party: the settled role in a re-offer (the association
// stays), else actpass unless a role is asked for.
const char* offered_setup(const Media& to, DtlsMode mode)
{
	if (to.dtls_role)
		return setup_of(*to.dtls_role);
	if (mode == DtlsMode::kActive)
		return "active";
	return mode == DtlsMode::kPassive ? "passive" : "actpass";
}

} // namespace

Result<void> write_dtls(sdp::Media& section, Media& to, const crypto::DtlsIdentity* id,
                        DtlsMode mode, bool answering)
{
	for (const char* a : {"fingerprint", "setup", "tls-id"})
		section.remove_attr(a);
	to.dtls_identity = id;
	if (!speaks_dtls(to) || to.rejected)
		return {};
	if (!id)
		return Error{"DTLS-SRTP: the relay has no certificate"};
	const char* setup = offered_setup(to, mode);
	if (answering) {
		Role role = answering_role(to, mode);
		if (auto r = settle(to, role); !r)
			return r;
		setup = setup_of(role);
	}
	section.add_attr("fingerprint", id->fingerprint());
	section.add_attr("setup", setup);
	return {};
}

bool dtls_datagram(Media& m, Stream& s, const net::Endpoint& source, size_t local,
                   std::span<const uint8_t> datagram)
{
	if (!speaks_dtls(m))
		return false;
	if (s.component != Stream::Component::kRtp || !m.dtls) {
		// Before the party's SDP settled the roles (its answer may still be on the way),
		// or on the RTCP port: the party retransmits.
		s.drop(media::DropReason::kDtlsPending);
		return true;
	}
	// From the party only: an address that passed an ICE check (checked before), else the
	// address learning has for it, once it has one.
	const auto& learned = s.learning.destination();
	if (!s.ice && learned && *learned != source) {
		s.drop(media::DropReason::kStrictSource);
		return true;
	}
	using State = crypto::DtlsSession::State;
	if ((m.dtls->state() == State::kFailed || m.dtls->state() == State::kClosed) &&
	    m.dtls->role() == Role::kPassive && client_hello(datagram)) {
		// The party starts over (a browser's restart): a new association.
		Role role = m.dtls->role();
		m.dtls.reset();
		if (!settle(m, role))
			return true;
	}
	m.dtls_peer = source;
	m.dtls_local = &s == &m.rtp ? local : 0;
	m.dtls->on_datagram(datagram, sender(m));
	progress(m);
	return true;
}

void dtls_after_signalling(Media& m)
{
	for (Stream* s : {&m.rtp, &m.rtcp}) {
		s->dtls = speaks_dtls(m) && !m.rejected;
		// A bundled m= line is never a sink (its transport's streams are): nothing to hold.
		if (s->dtls && !m.transport && !s->held)
			s->held = std::make_unique<media::Stream::Held>();
		else if (!s->dtls || m.transport)
			s->held.reset();
	}
	dtls_after_packets(m);
}

void dtls_after_packets(Media& m)
{
	// A bundled m= line's DTLS runs on its transport's association.
	if (!m.dtls || m.dtls_started || m.dtls->role() != Role::kActive || m.transport)
		return;
	// The active side starts once it knows where the party is: its ICE nomination, else
	// its SDP or learned address.
	const auto& to = m.rtp.learning.destination();
	if (!to || !m.rtp.socket || !m.rtp.loop)
		return;
	m.dtls_peer = *to;
	m.dtls_local = 0;
	for (size_t i = 0; i < m.rtp.receivers.size(); i++) // the socket ICE selected
		if (m.rtp.receivers[i].socket == m.rtp.socket)
			m.dtls_local = i;
	m.dtls_started = true;
	m.dtls->start(sender(m));
	progress(m);
}

Result<void> dtls_resume_keys(Media& m, const sdp::SrtpSuite& suite,
                              std::span<const uint8_t> local_key_salt,
                              std::span<const uint8_t> remote_key_salt)
{
	if (auto r = install_keys(m, suite, local_key_salt, remote_key_salt); !r)
		return r;
	m.dtls_started = true; // the party's association goes on: no handshake from this side
	return {};
}

} // namespace rtprelay::call
