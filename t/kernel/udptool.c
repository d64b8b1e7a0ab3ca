// SPDX-License-Identifier: GPL-2.0
/*
 * udptool - tiny UDP sender/receiver for the kernel test.
 *
 *   udptool send SRC DST N rtp|rtpgap|rtcp|stun|dtls|junk|short [ssrc]
 *       binds SRC, sends N packets of the given kind to DST (paced);
 *       rtpgap leaves out 3 sequence numbers halfway, junk has no RFC 7983
 *       first byte, short is a 10-byte version-2 packet
 *   udptool rawflood IFACE DSTMAC SRC DST PPS SECONDS [SRC DST]...
 *       sends RTP (PT 0, SSRC 0x11223344; IPv4 only) from SRC to DST at PPS
 *       packets per second for SECONDS, in sendmmsg batches every 5 ms, as
 *       ready-made Ethernet frames to DSTMAC on an AF_PACKET socket on IFACE
 *       that bypasses the qdisc: no UDP or IP output path per packet; UDP
 *       checksum 0 (none); prints "sent K" (the benchmark's generator).
 *       Further SRC DST pairs are further streams (SSRC 0x11223345, ...),
 *       one packet each in turn, PPS in all: the benchmark's many calls
 *   udptool spin SECONDS [CPU]
 *       counts loop iterations for SECONDS and prints "spins K": run at
 *       SCHED_IDLE on a CPU, the count falls by the share of that CPU that
 *       packet processing took (the benchmark's cost meter). With CPU, it
 *       moves itself there at SCHED_IDLE once started: starting at that
 *       priority on a busy CPU can take a second or more
 *   udptool recv BIND N TIMEOUT_MS
 *       receives until N packets or TIMEOUT_MS of silence, prints
 *       "received K from ADDR tos T" (ADDR and TOS/traffic class of the
 *       last packet, "mixed" if the sources differed); exit 0 iff K == N
 *
 * Addresses: a.b.c.d:port or [v6]:port.
 */
#define _GNU_SOURCE /* sendmmsg, CPU_SET */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static socklen_t parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *c;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		c = strstr(s, "]:");
		if (!c || (n = c - s - 1) >= sizeof(host))
			exit(2);
		memcpy(host, s + 1, n);
		host[n] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(c + 2));
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			exit(2);
		return sizeof(*in6);
	}
	c = strrchr(s, ':');
	if (!c || (n = c - s) >= sizeof(host))
		exit(2);
	memcpy(host, s, n);
	host[n] = '\0';
	in4->sin_family = AF_INET;
	in4->sin_port = htons(atoi(c + 1));
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		exit(2);
	return sizeof(*in4);
}

static void format(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[64];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(a->sin_port));
	}
}

static int bound_socket(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl = parse(addr, &ss);
	int one = 1;
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);

	if (fd < 0)
		exit(3);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl)) {
		perror("bind");
		exit(3);
	}
	return fd;
}

static int do_send(char **argv, int argc)
{
	struct sockaddr_storage dst;
	socklen_t dl = parse(argv[3], &dst);
	int fd = bound_socket(argv[2]);
	int n = atoi(argv[4]);
	const char *kind = argv[5];
	unsigned int ssrc = argc > 6 ? strtoul(argv[6], NULL, 0) : 0x11223344;
	unsigned char pkt[172];
	size_t len = sizeof(pkt);
	int i;

	for (i = 0; i < n; i++) {
		memset(pkt, 0xd5, sizeof(pkt));
		if (!strcmp(kind, "stun")) {
			/* binding request header: type 0x0001, length 0, cookie */
			memset(pkt, 0, 20);
			pkt[1] = 0x01;
			pkt[4] = 0x21; pkt[5] = 0x12; pkt[6] = 0xa4; pkt[7] = 0x42;
			len = 20;
		} else if (!strcmp(kind, "rtcp")) {
			pkt[0] = 0x80;		/* V=2, RC=0 */
			pkt[1] = 201;		/* RR */
			pkt[2] = 0; pkt[3] = 1;	/* length: 1 word after header */
			pkt[4] = ssrc >> 24; pkt[5] = ssrc >> 16;
			pkt[6] = ssrc >> 8; pkt[7] = ssrc;
			len = 8;
		} else if (!strcmp(kind, "dtls")) {
			pkt[0] = 22;		/* handshake record */
			pkt[1] = 0xfe; pkt[2] = 0xfd;
			len = 13;
		} else if (!strcmp(kind, "junk")) {
			len = 20;		/* first byte 0xd5: no RFC 7983 class */
		} else {
			unsigned int ts = 160u * i;
			/* rtpgap: 3 sequence numbers missing halfway */
			unsigned int seq = i + (!strcmp(kind, "rtpgap") && i >= n / 2 ? 3 : 0);

			pkt[0] = 0x80;		/* V=2 */
			pkt[1] = 0;		/* PT 0 (PCMU) */
			pkt[2] = seq >> 8; pkt[3] = seq;
			pkt[4] = ts >> 24; pkt[5] = ts >> 16;
			pkt[6] = ts >> 8; pkt[7] = ts;
			pkt[8] = ssrc >> 24; pkt[9] = ssrc >> 16;
			pkt[10] = ssrc >> 8; pkt[11] = ssrc;
			if (!strcmp(kind, "short"))
				len = 10;	/* V=2, less than an RTP header */
		}
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst, dl) < 0) {
			perror("sendto");
			return 1;
		}
		if (i % 20 == 19)
			usleep(2000);
	}
	return 0;
}

static int do_recv(char **argv)
{
	int fd = bound_socket(argv[2]);
	int want = atoi(argv[3]), timeout = atoi(argv[4]), got = 0, mixed = 0;
	char last[80] = "-", cur[80];
	unsigned char buf[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int one = 1, tos = -1;

	setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one));
	while (got < want && poll(&pfd, 1, timeout) > 0) {
		struct sockaddr_storage from;
		char ctl[256];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *c;

		if (recvmsg(fd, &mh, 0) < 0)
			break;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
				tos = *(unsigned char *)CMSG_DATA(c);
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
				memcpy(&tos, CMSG_DATA(c), sizeof(tos));
		}
		format(&from, cur, sizeof(cur));
		if (got && strcmp(cur, last))
			mixed = 1;
		strcpy(last, cur);
		got++;
	}
	/* linger briefly to catch extra packets beyond the expected count */
	while (poll(&pfd, 1, want ? 100 : timeout) > 0 &&
	       recv(fd, buf, sizeof(buf), 0) >= 0)
		got++;
	printf("received %d from %s tos %d\n", got, mixed ? "mixed" : last, tos);
	return got == want ? 0 : 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define FLOOD_BATCH 256

/* RFC 791 header checksum */
static uint16_t ip_csum(const void *hdr, size_t len)
{
	const uint8_t *b = hdr;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

#define FRAME_HDR (14 + 20 + 8)
#define FRAME_LEN (FRAME_HDR + 172)

/* One frame: Ethernet, IPv4 (DF, id 0: constant header), UDP without checksum, RTP. */
static void raw_frame(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
		      const struct sockaddr_in *src, const struct sockaddr_in *dst,
		      uint32_t ssrc)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *rtp = udp + 8;
	unsigned int ulen = 8 + 172;
	uint16_t c;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08; f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (20 + ulen) >> 8; ip[3] = 20 + ulen;
	ip[6] = 0x40;			/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src->sin_addr, 4);
	memcpy(ip + 16, &dst->sin_addr, 4);
	c = ip_csum(ip, 20);
	ip[10] = c >> 8; ip[11] = c;
	memcpy(udp, &src->sin_port, 2);
	memcpy(udp + 2, &dst->sin_port, 2);
	udp[4] = ulen >> 8; udp[5] = ulen;
	udp[6] = udp[7] = 0;
	memset(rtp, 0xd5, 172);
	rtp[0] = 0x80;
	rtp[1] = 0;
	rtp[8] = ssrc >> 24; rtp[9] = ssrc >> 16; rtp[10] = ssrc >> 8; rtp[11] = ssrc;
}

/* SRC DST of stream k: the command's own pair first, then the extra pairs. */
static const char *stream_arg(char **argv, int k, int dst)
{
	return k ? argv[6 + 2 * k + dst] : argv[4 + dst];
}

static int do_rawflood(int argc, char **argv)
{
	static uint8_t frame[FLOOD_BATCH][FRAME_LEN];
	static struct mmsghdr msgs[FLOOD_BATCH];
	static struct iovec iov[FLOOD_BATCH];
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	struct ifreq ifr = { 0 };
	uint8_t dmac[6], (*tmpl)[FRAME_LEN];
	double pps = atof(argv[6]), secs = atof(argv[7]);
	double start, slot = 0.005;
	unsigned long long sent = 0, due;
	int fd, one = 1, i, k, streams = 1 + (argc - 8) / 2;

	if ((argc - 8) % 2 ||
	    sscanf(argv[3], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1], &dmac[2],
		   &dmac[3], &dmac[4], &dmac[5]) != 6 || strlen(argv[2]) >= IFNAMSIZ)
		return fprintf(stderr, "rawflood: a MAC and SRC DST pairs, please\n"), 2;
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return perror("socket(AF_PACKET)"), 3;
	strcpy(ifr.ifr_name, argv[2]);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return perror(argv[2]), 3;
	ll.sll_ifindex = ifr.ifr_ifindex;
	ll.sll_protocol = htons(ETH_P_IP);
	memcpy(ll.sll_addr, dmac, 6);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return perror("SIOCGIFHWADDR"), 3;
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	/* One ready-made frame per stream; each packet sent is a copy of its stream's. */
	tmpl = calloc(streams, FRAME_LEN);
	if (!tmpl)
		return perror("calloc"), 3;
	for (k = 0; k < streams; k++) {
		struct sockaddr_storage src, dst;

		if (parse(stream_arg(argv, k, 0), &src) != sizeof(struct sockaddr_in) ||
		    parse(stream_arg(argv, k, 1), &dst) != sizeof(struct sockaddr_in))
			return fprintf(stderr, "rawflood: IPv4 addresses, please\n"), 2;
		raw_frame(tmpl[k], dmac, (uint8_t *)ifr.ifr_hwaddr.sa_data,
			  (struct sockaddr_in *)&src, (struct sockaddr_in *)&dst,
			  0x11223344u + k);
	}
	for (i = 0; i < FLOOD_BATCH; i++) {
		iov[i].iov_base = frame[i];
		iov[i].iov_len = sizeof(frame[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &ll;
		msgs[i].msg_hdr.msg_namelen = sizeof(ll);
	}
	start = now_s();
	for (;;) {
		double t = now_s() - start;

		if (t >= secs)
			break;
		due = (unsigned long long)(pps * t);
		while (sent < due) {
			unsigned int n = due - sent > FLOOD_BATCH ? FLOOD_BATCH : due - sent;
			int k;

			for (i = 0; i < (int)n; i++) {
				uint8_t *rtp = frame[i] + FRAME_HDR;
				unsigned long long j = sent + i;
				unsigned int seq = j / streams, ts = 160u * seq;

				memcpy(frame[i], tmpl[j % streams], FRAME_LEN);

				rtp[2] = seq >> 8; rtp[3] = seq;
				rtp[4] = ts >> 24; rtp[5] = ts >> 16;
				rtp[6] = ts >> 8; rtp[7] = ts;
			}
			k = sendmmsg(fd, msgs, n, 0);
			if (k <= 0)
				return perror("sendmmsg"), 1;
			sent += k;
		}
		usleep(slot * 1e6);
	}
	printf("sent %llu\n", sent);
	free(tmpl);
	return 0;
}

static int do_spin(int argc, char **argv)
{
	struct sched_param idle = { 0 };
	unsigned long long spins = 0;
	volatile unsigned int sink = 0;
	unsigned int i;
	double end;

	if (argc > 3) {
		cpu_set_t cpu;

		CPU_ZERO(&cpu);
		CPU_SET(atoi(argv[3]), &cpu);
		if (sched_setaffinity(0, sizeof(cpu), &cpu) ||
		    sched_setscheduler(0, SCHED_IDLE, &idle))
			return perror("spin"), 3;
	}
	end = now_s() + atof(argv[2]);

	while (now_s() < end) {
		for (i = 0; i < 10000; i++)
			sink += i;
		spins++;
	}
	printf("spins %llu\n", spins);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "spin"))
		return do_spin(argc, argv);
	if (argc >= 8 && !strcmp(argv[1], "rawflood"))
		return do_rawflood(argc, argv);
	if (argc >= 6 && !strcmp(argv[1], "send"))
		return do_send(argv, argc);
	if (argc >= 5 && !strcmp(argv[1], "recv"))
		return do_recv(argv);
	fprintf(stderr, "usage: udptool send SRC DST N KIND [ssrc] | "
			"rawflood IFACE DSTMAC SRC DST PPS SECONDS [SRC DST]... | spin SECONDS [CPU] | "
			"recv BIND N TIMEOUT_MS\n");
	return 2;
}
