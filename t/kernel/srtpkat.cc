// SPDX-License-Identifier: GPL-3.0-or-later
// srtpkat TABLE [leave]: xt_RTPRELAY's SRTP against libsrtp2, in the guest, over real sockets. For
// every suite the module announces: packets libsrtp2 protects (several SSRCs, one of them
// crossing the sequence wrap, one handed over at rollover counter 7, RTP and RTCP) go through a
// target that unprotects them and must arrive as the plain packets; plain packets go through a
// target whose output protects them and must unprotect in libsrtp2 as they were sent. A packet
// with one bit flipped and a replayed one must not come out, and GET_STATS must count them and
// report the rollover counters. The targets get session keys derived by the daemon's
// srtp_kdf, as rtprelayd hands them over. Needs `iptables -I INPUT -p udp -j RTPRELAY --id
// TABLE` and the table created; prints "ok - ..." / "not ok - ..." lines, exit 1 on a failure.
// Either way it leaves one unprotecting target in the table; with `leave` it does only that.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <srtp2/srtp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/srtp_kdf.h"
#include "kernel-module/uapi/rtprelay_abi.h"

namespace {

using Bytes = std::vector<uint8_t>;
using rtprelay::crypto::KdfLabel;

struct Suite {
	const char* name;
	int abi;
	unsigned key, salt; // master key and salt bytes
	bool gcm, null_cipher;
	unsigned tag;
};
constexpr Suite kSuites[] = {
        {"AES_CM_128_HMAC_SHA1_80", RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 14, false, false,
         10},
        {"AES_CM_128_HMAC_SHA1_32", RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_32, 16, 14, false, false, 4},
        {"AES_256_CM_HMAC_SHA1_80", RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_80, 32, 14, false, false,
         10},
        {"AES_256_CM_HMAC_SHA1_32", RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_32, 32, 14, false, false, 4},
        {"AEAD_AES_128_GCM", RTPRELAY_SRTP_AEAD_AES_128_GCM, 16, 12, true, false, 16},
        {"AEAD_AES_256_GCM", RTPRELAY_SRTP_AEAD_AES_256_GCM, 32, 12, true, false, 16},
        {"NULL_HMAC_SHA1_80", RTPRELAY_SRTP_NULL_HMAC_SHA1_80, 16, 14, false, true, 10},
        {"NULL_HMAC_SHA1_32", RTPRELAY_SRTP_NULL_HMAC_SHA1_32, 16, 14, false, true, 4},
};
// AES-192 is left out here: Debian 12's libsrtp2 derives its keys wrongly (cisco/libsrtp#763);
// the selftest build's known answers cover it.

// The SSRCs of each run: where each starts, and the rollover counter it starts with.
struct Ssrc {
	uint32_t ssrc;
	uint32_t roc;
	uint16_t first_seq;
};
constexpr Ssrc kSsrcs[] = {{0x11110001, 0, 1}, {0x22220002, 0, 65532}, {0x33330003, 7, 100}};
constexpr int kPackets = 8; // RTP per SSRC: SSRC 2 crosses 65535 -> 0 (ROC 0 -> 1)

int failures = 0;

void result(bool ok, const std::string& what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what.c_str());
	fflush(stdout);
	if (!ok)
		failures++;
}

sockaddr_in addr(uint16_t port)
{
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

rtprelay_addr abi_addr(uint16_t port)
{
	rtprelay_addr a{};
	a.family = RTPRELAY_AF_INET;
	a.port = htons(port);
	a.addr[0] = 127;
	a.addr[3] = 1;
	return a;
}

int udp_socket(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	sockaddr_in a = addr(port);
	timeval tv{0, 300000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
		perror("srtpkat: bind");
		exit(2);
	}
	return fd;
}

void send_to(int fd, const Bytes& b, uint16_t port)
{
	sockaddr_in a = addr(port);
	sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

std::optional<Bytes> receive(int fd)
{
	Bytes b(2048);
	ssize_t n = recv(fd, b.data(), b.size(), 0);
	if (n < 0)
		return std::nullopt;
	b.resize(static_cast<size_t>(n));
	return b;
}

// The control file of the table, after the handshake; the greeting's suites in `suites`.
int open_control(int table, uint32_t& suites)
{
	std::string path = "/proc/rtprelay/" + std::to_string(table) + "/control";
	int fd = open(path.c_str(), O_RDWR);
	rtprelay_init g{};
	if (fd < 0 || read(fd, &g, sizeof g) != sizeof g) {
		perror("srtpkat: greeting");
		exit(2);
	}
	suites = g.srtp_suites;
	g.srtp_suites = 0;
	if (write(fd, &g, sizeof g) != sizeof g) {
		perror("srtpkat: INIT");
		exit(2);
	}
	return fd;
}

void session_keys(const Suite& s, const Bytes& master, bool rtcp, rtprelay_srtp_keys& k)
{
	std::span<const uint8_t> key(master.data(), s.key);
	std::span<const uint8_t> salt(master.data() + s.key, s.salt);
	int base = rtcp ? 3 : 0;
	auto label = [base](KdfLabel l) {
		return static_cast<KdfLabel>(static_cast<int>(l) + base);
	};
	bool ok = true;
	if (!s.null_cipher)
		ok = rtprelay::crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpCipher),
		                                {k.cipher_key, s.key});
	ok = ok && rtprelay::crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpSalt),
	                                      {k.salt, s.gcm ? 12u : 14u});
	if (!s.gcm)
		ok = ok &&
		     rtprelay::crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpAuth), k.auth_key);
	if (!ok) {
		fputs("srtpkat: srtp_kdf failed\n", stderr);
		exit(2);
	}
}

rtprelay_srtp keys_of(const Suite& s, const Bytes& master)
{
	rtprelay_srtp k{};
	k.suite = static_cast<uint8_t>(s.abi);
	session_keys(s, master, false, k.rtp);
	session_keys(s, master, true, k.rtcp);
	return k;
}

// A target from `local` to one output (`out_src` -> `out_dst`), unprotecting or protecting.
bool add_target(int ctl, uint16_t local, uint16_t out_src, uint16_t out_dst,
                const rtprelay_srtp* decrypt, const rtprelay_srtp* encrypt, bool out_state)
{
	rtprelay_cmd_add_target c{};
	c.cmd = RTPRELAY_CMD_ADD_TARGET;
	c.spec.local = abi_addr(local);
	c.spec.num_outputs = 1;
	c.spec.outputs[0].src = abi_addr(out_src);
	c.spec.outputs[0].dst = abi_addr(out_dst);
	if (decrypt)
		c.decrypt = *decrypt;
	if (encrypt)
		c.encrypt[0] = *encrypt;
	// Where each SSRC stands as the kernel takes over: the highest index before its first
	// packet here. Protecting, only the SSRC at rollover counter 7 is handed over; the others
	// are learned.
	for (size_t i = 0; i < std::size(kSsrcs); i++) {
		const Ssrc& s = kSsrcs[i];
		if (out_state && s.roc == 0)
			continue;
		rtprelay_srtp_index& x = out_state ? c.srtp_ssrcs[i].out[0] : c.srtp_ssrcs[i].in;
		c.srtp_ssrcs[i].valid = 1;
		c.srtp_ssrcs[i].ssrc = s.ssrc;
		x.flags = RTPRELAY_SI_RTP;
		x.roc = s.roc; // no SSRC here starts at sequence number 0
		x.seq = static_cast<uint16_t>(s.first_seq - 1);
	}
	bool ok = write(ctl, &c, sizeof c) == sizeof c;
	explicit_bzero(&c, sizeof c);
	return ok;
}

bool del_target(int ctl, uint16_t local)
{
	rtprelay_cmd_target c{};
	c.cmd = RTPRELAY_CMD_DEL_TARGET;
	c.local = abi_addr(local);
	return write(ctl, &c, sizeof c) == sizeof c;
}

rtprelay_target_stats stats(int ctl, uint16_t local)
{
	rtprelay_cmd_target c{};
	c.cmd = RTPRELAY_CMD_GET_STATS;
	c.local = abi_addr(local);
	rtprelay_target_stats s{};
	if (write(ctl, &c, sizeof c) != sizeof c || read(ctl, &s, sizeof s) != sizeof s)
		result(false, "GET_STATS");
	return s;
}

// libsrtp2 sessions with one stream per SSRC, each at its rollover counter.
srtp_t libsrtp_session(const Suite& s, Bytes& master)
{
	std::vector<srtp_policy_t> p(std::size(kSsrcs));
	for (size_t i = 0; i < p.size(); i++) {
		srtp_crypto_policy_t& c = p[i].rtp;
		std::string n = s.name;
		if (n == "AES_CM_128_HMAC_SHA1_80")
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&c);
		else if (n == "AES_CM_128_HMAC_SHA1_32")
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&c);
		else if (n == "AES_256_CM_HMAC_SHA1_80")
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&c);
		else if (n == "AES_256_CM_HMAC_SHA1_32")
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&c);
		else if (n == "AEAD_AES_128_GCM")
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&c);
		else if (n == "AEAD_AES_256_GCM")
			srtp_crypto_policy_set_aes_gcm_256_16_auth(&c);
		else
			srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&c);
		c.auth_tag_len = static_cast<int>(s.tag);
		p[i].rtcp = c;
		if (!s.gcm)
			p[i].rtcp.auth_tag_len = 10; // SRTCP keeps the 80-bit tag (RFC 4568 6.2)
		p[i].key = master.data();
		p[i].ssrc.type = ssrc_specific;
		p[i].ssrc.value = kSsrcs[i].ssrc;
		p[i].window_size = 128;
		p[i].next = i + 1 < p.size() ? &p[i + 1] : nullptr;
	}
	srtp_t session = nullptr;
	if (srtp_create(&session, p.data()) != srtp_err_status_ok) {
		fprintf(stderr, "srtpkat: srtp_create %s failed\n", s.name);
		exit(2);
	}
	for (const Ssrc& x : kSsrcs)
		srtp_set_stream_roc(session, x.ssrc, x.roc);
	return session;
}

Bytes rtp_packet(uint32_t ssrc, uint16_t seq)
{
	Bytes p = {0x80, 0,  static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0,
	           0,    160};
	for (int i = 3; i >= 0; i--)
		p.push_back(static_cast<uint8_t>(ssrc >> (8 * i)));
	for (int i = 0; i < 160; i++)
		p.push_back(static_cast<uint8_t>(i ^ seq ^ ssrc));
	return p;
}

Bytes rtcp_packet(uint32_t ssrc, uint8_t n)
{
	Bytes p = {0x80, 200, 0, 6};
	for (int i = 3; i >= 0; i--)
		p.push_back(static_cast<uint8_t>(ssrc >> (8 * i)));
	for (int i = 0; i < 20; i++)
		p.push_back(static_cast<uint8_t>(n + i));
	return p;
}

Bytes protect(srtp_t s, Bytes p, bool rtcp)
{
	int len = static_cast<int>(p.size());
	p.resize(p.size() + SRTP_MAX_TRAILER_LEN);
	srtp_err_status_t e =
	        rtcp ? srtp_protect_rtcp(s, p.data(), &len) : srtp_protect(s, p.data(), &len);
	if (e != srtp_err_status_ok)
		result(false, "libsrtp2 protect");
	p.resize(static_cast<size_t>(len));
	return p;
}

std::optional<Bytes> unprotect(srtp_t s, Bytes p, bool rtcp)
{
	int len = static_cast<int>(p.size());
	srtp_err_status_t e =
	        rtcp ? srtp_unprotect_rtcp(s, p.data(), &len) : srtp_unprotect(s, p.data(), &len);
	if (e != srtp_err_status_ok)
		return std::nullopt;
	p.resize(static_cast<size_t>(len));
	return p;
}

// The plain packets of one run, in sending order: RTP of every SSRC, then RTCP.
std::vector<std::pair<Bytes, bool>> plain_run()
{
	std::vector<std::pair<Bytes, bool>> out;
	for (const Ssrc& s : kSsrcs)
		for (int i = 0; i < kPackets; i++)
			out.push_back({rtp_packet(s.ssrc, static_cast<uint16_t>(s.first_seq + i)),
			               false});
	for (const Ssrc& s : kSsrcs)
		for (uint8_t i = 0; i < 2; i++)
			out.push_back({rtcp_packet(s.ssrc, i), true});
	return out;
}

constexpr uint16_t kSender = 41000, kPlainRx = 41001, kSrtpRx = 41002;
constexpr uint16_t kDecryptTarget = 31000, kDecryptOut = 31001;
constexpr uint16_t kEncryptTarget = 31002, kEncryptOut = 31003;

// SRTP from libsrtp2 in, plain out.
void unprotecting(int ctl, const Suite& s, Bytes master, int tx, int rx)
{
	std::string n = std::string(s.name) + ": ";
	rtprelay_srtp k = keys_of(s, master);
	result(add_target(ctl, kDecryptTarget, kDecryptOut, kPlainRx, &k, nullptr, false),
	       n + "ADD_TARGET unprotecting");
	explicit_bzero(&k, sizeof k);
	srtp_t lib = libsrtp_session(s, master);
	int good = 0, total = 0;
	Bytes replay;
	for (auto& [plain, rtcp] : plain_run()) {
		Bytes wire = protect(lib, plain, rtcp);
		if (replay.empty())
			replay = wire;
		send_to(tx, wire, kDecryptTarget);
		auto got = receive(rx);
		total++;
		good += got && *got == plain;
	}
	result(good == total, n + "libsrtp2's SRTP and SRTCP arrive plain and whole (" +
	                              std::to_string(good) + "/" + std::to_string(total) + ")");
	Bytes tampered =
	        protect(lib, rtp_packet(kSsrcs[0].ssrc, kSsrcs[0].first_seq + kPackets), false);
	tampered[20] ^= 0x01;
	send_to(tx, tampered, kDecryptTarget);
	send_to(tx, replay, kDecryptTarget);
	result(!receive(rx), n + "a flipped bit and a replay do not come out");
	rtprelay_target_stats st = stats(ctl, kDecryptTarget);
	result(st.dropped_auth == 1 && st.dropped_replay == 1,
	       n + "dropped_auth 1, dropped_replay 1 (got " + std::to_string(st.dropped_auth) +
	               ", " + std::to_string(st.dropped_replay) + ")");
	bool rocs = true;
	for (const rtprelay_srtp_ssrc& x : st.srtp_ssrcs) {
		if (x.ssrc == kSsrcs[1].ssrc)
			rocs &= x.in.roc == 1 &&
			        x.in.seq == static_cast<uint16_t>(65532 + kPackets - 1);
		if (x.ssrc == kSsrcs[2].ssrc)
			rocs &= x.in.roc == 7 && x.in.seq == 100 + kPackets - 1 &&
			        (x.in.flags & RTPRELAY_SI_RTCP);
	}
	result(rocs, n + "GET_STATS: rollover counter 1 after the wrap, 7 as handed over");
	result(st.to_userspace[RTPRELAY_UP_SRTP] == 0 && st.to_userspace[RTPRELAY_UP_SSRC] == 0,
	       n + "nothing went to userspace");
	srtp_dealloc(lib);
	result(del_target(ctl, kDecryptTarget), n + "DEL_TARGET");
}

// Plain in, SRTP out that libsrtp2 unprotects.
void protecting(int ctl, const Suite& s, Bytes master, int tx, int rx)
{
	std::string n = std::string(s.name) + ": ";
	rtprelay_srtp k = keys_of(s, master);
	result(add_target(ctl, kEncryptTarget, kEncryptOut, kSrtpRx, nullptr, &k, true),
	       n + "ADD_TARGET protecting");
	explicit_bzero(&k, sizeof k);
	srtp_t lib = libsrtp_session(s, master);
	int good = 0, total = 0;
	for (auto& [plain, rtcp] : plain_run()) {
		send_to(tx, plain, kEncryptTarget);
		auto got = receive(rx);
		total++;
		if (got) {
			auto opened = unprotect(lib, *got, rtcp);
			good += opened && *opened == plain;
		}
	}
	result(good == total, n + "plain RTP and RTCP leave as SRTP that libsrtp2 unprotects (" +
	                              std::to_string(good) + "/" + std::to_string(total) + ")");
	// The same sequence number again: its index was sent, so it is not sent twice.
	send_to(tx, rtp_packet(kSsrcs[0].ssrc, kSsrcs[0].first_seq), kEncryptTarget);
	result(!receive(rx), n + "an index already sent is not sent again");
	rtprelay_target_stats st = stats(ctl, kEncryptTarget);
	result(st.dropped_replay == 1, n + "dropped_replay 1");
	srtp_dealloc(lib);
	result(del_target(ctl, kEncryptTarget), n + "DEL_TARGET");
}

} // namespace

int main(int argc, char** argv)
{
	bool leave_only = argc == 3 && strcmp(argv[2], "leave") == 0;
	if ((argc != 2 && !leave_only) || srtp_init() != srtp_err_status_ok) {
		fputs("usage: srtpkat TABLE [leave]\n", stderr);
		return 2;
	}
	uint32_t suites = 0;
	int ctl = open_control(atoi(argv[1]), suites);
	int tx = udp_socket(kSender), plain_rx = udp_socket(kPlainRx),
	    srtp_rx = udp_socket(kSrtpRx);
	uint32_t all = 0;
	for (int i = 1; i < RTPRELAY_SRTP_SUITES; i++)
		all |= 1u << i;
	char mask[16];
	snprintf(mask, sizeof mask, "0x%x", suites);
	if (!leave_only)
		result(suites == all,
		       std::string("the greeting announces every suite (") + mask + ")");
	for (const Suite& s : leave_only ? std::span<const Suite>() : std::span(kSuites)) {
		Bytes master(s.key + s.salt);
		for (size_t i = 0; i < master.size(); i++)
			master[i] = static_cast<uint8_t>(i * 31 + s.abi);
		unprotecting(ctl, s, master, tx, plain_rx);
		protecting(ctl, s, master, tx, srtp_rx);
	}
	// One target left behind for the guest script: its list line, and its keys freed with
	// the table.
	const Suite& first = kSuites[0];
	Bytes master(first.key + first.salt, 0x5a);
	rtprelay_srtp k = keys_of(first, master);
	result(add_target(ctl, kDecryptTarget, kDecryptOut, kPlainRx, &k, nullptr, false),
	       "an unprotecting target left for the table's deletion");
	explicit_bzero(&k, sizeof k);
	close(ctl);
	return failures ? 1 : 0;
}
