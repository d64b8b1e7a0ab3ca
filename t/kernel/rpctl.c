// SPDX-License-Identifier: GPL-2.0
/*
 * rpctl - test tool that speaks the rtprelay control ABI
 * (kernel-module/uapi/rtprelay_abi.h) to /proc/rtprelay/<N>/control.
 *
 *   rpctl hello N                         print the module's greeting
 *   rpctl init-version N VER              INIT with ABI version VER
 *   rpctl add N LOCAL SRC POLICY OSRC ODST [tos=T] [pt=P]... [ssrc=S]... [mux]
 *             [out=OSRC,ODST]...   (more outputs after the first; tos applies to the first)
 *   rpctl del N LOCAL
 *   rpctl stats N LOCAL                   one line of counters: the target's,
 *                                         userspace_<reason> N, per SSRC
 *
 * Addresses are a.b.c.d:port or [v6]:port; SRC may be "-" (no
 * expectation); POLICY is forward|drop|userspace.  Exit 0 on success,
 * 1 with "rpctl: <what>: <strerror>" on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../kernel-module/uapi/rtprelay_abi.h"

static const char *const up_names[RTPRELAY_UP_COUNT] = { RTPRELAY_UP_NAMES };

static int fail(const char *what)
{
	fprintf(stderr, "rpctl: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_addr(const char *s, struct rtprelay_addr *a)
{
	char host[64];
	const char *colon;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon || (n = colon - s - 1) >= sizeof(host))
			return -1;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		a->family = RTPRELAY_AF_INET6;
		if (inet_pton(AF_INET6, host, a->addr) != 1)
			return -1;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (n = colon - s) >= sizeof(host))
			return -1;
		memcpy(host, s, n);
		host[n] = '\0';
		a->family = RTPRELAY_AF_INET;
		if (inet_pton(AF_INET, host, a->addr) != 1)
			return -1;
	}
	a->port = htons((unsigned short)atoi(colon + 1));
	return 0;
}

static int open_ctl(const char *table, int do_init)
{
	struct rtprelay_init hello, init = {
		.cmd = RTPRELAY_CMD_INIT,
		.abi_version = RTPRELAY_ABI_VERSION,
		.size_init = sizeof(struct rtprelay_init),
		.size_add_target = sizeof(struct rtprelay_cmd_add_target),
		.size_target = sizeof(struct rtprelay_cmd_target),
		.size_stats = sizeof(struct rtprelay_target_stats),
		.size_xt_info = sizeof(struct xt_rtprelay_info),
	};
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/rtprelay/%s/control", table);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	/* consume the greeting so that later reads see our replies */
	if (read(fd, &hello, sizeof(hello)) != sizeof(hello))
		goto err;
	if (do_init && write(fd, &init, sizeof(init)) != sizeof(init))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

static int cmd_hello(const char *table)
{
	struct rtprelay_init hello;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/rtprelay/%s/control", table);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail(path);
	if (read(fd, &hello, sizeof(hello)) != sizeof(hello))
		return fail("read greeting");
	printf("module_abi %u daemon_abi %u sizes %u/%u/%u/%u/%u\n",
	       hello.abi_version, RTPRELAY_ABI_VERSION, hello.size_init,
	       hello.size_add_target, hello.size_target, hello.size_stats,
	       hello.size_xt_info);
	close(fd);
	return 0;
}

static int cmd_init_version(const char *table, unsigned int ver)
{
	struct rtprelay_init init = {
		.cmd = RTPRELAY_CMD_INIT,
		.abi_version = ver,
		.size_init = sizeof(struct rtprelay_init),
		.size_add_target = sizeof(struct rtprelay_cmd_add_target),
		.size_target = sizeof(struct rtprelay_cmd_target),
		.size_stats = sizeof(struct rtprelay_target_stats),
		.size_xt_info = sizeof(struct xt_rtprelay_info),
	};
	int fd = open_ctl(table, 0);

	if (fd < 0)
		return fail("open");
	if (write(fd, &init, sizeof(init)) != sizeof(init))
		return fail("INIT");
	printf("INIT version %u accepted\n", ver);
	return 0;
}

static int policy_of(const char *s)
{
	if (!strcmp(s, "forward"))
		return RTPRELAY_SRC_FORWARD;
	if (!strcmp(s, "drop"))
		return RTPRELAY_SRC_DROP;
	if (!strcmp(s, "userspace"))
		return RTPRELAY_SRC_USERSPACE;
	return -1;
}

static int cmd_add(int argc, char **argv)
{
	struct rtprelay_cmd_add_target c;
	struct rtprelay_target_spec *s = &c.spec;
	int fd, i, pol;

	if (argc < 7)
		return errno = EINVAL, fail("usage: add N LOCAL SRC POLICY OSRC ODST");
	memset(&c, 0, sizeof(c));
	c.cmd = RTPRELAY_CMD_ADD_TARGET;
	pol = policy_of(argv[4]);
	if (parse_addr(argv[2], &s->local) || pol < 0 ||
	    parse_addr(argv[5], &s->outputs[0].src) ||
	    parse_addr(argv[6], &s->outputs[0].dst))
		return errno = EINVAL, fail("bad address or policy");
	if (strcmp(argv[3], "-")) {
		if (parse_addr(argv[3], &s->expected_src))
			return errno = EINVAL, fail("bad source");
		s->flags |= RTPRELAY_TF_EXPECT_SRC;
	}
	s->src_policy = pol;
	s->num_outputs = 1;
	s->clock_rate = 8000;
	for (i = 7; i < argc; i++) {
		if (!strncmp(argv[i], "tos=", 4))
			s->outputs[0].tos = strtoul(argv[i] + 4, NULL, 0);
		else if (!strncmp(argv[i], "pt=", 3) && s->num_payload_types < RTPRELAY_MAX_PTS)
			s->payload_types[s->num_payload_types++] = strtoul(argv[i] + 3, NULL, 0);
		else if (!strncmp(argv[i], "ssrc=", 5) && s->num_ssrcs < RTPRELAY_MAX_SSRCS)
			s->ssrcs[s->num_ssrcs++] = strtoul(argv[i] + 5, NULL, 0);
		else if (!strcmp(argv[i], "mux"))
			s->flags |= RTPRELAY_TF_RTCP_MUX;
		else if (!strncmp(argv[i], "out=", 4) && s->num_outputs < RTPRELAY_MAX_OUTPUTS) {
			struct rtprelay_output *o = &s->outputs[s->num_outputs++];
			char *comma = strchr(argv[i], ',');

			if (!comma)
				return errno = EINVAL, fail("out=SRC,DST");
			*comma = '\0';
			if (parse_addr(argv[i] + 4, &o->src) || parse_addr(comma + 1, &o->dst))
				return errno = EINVAL, fail("bad output address");
		}
	}
	fd = open_ctl(argv[1], 1);
	if (fd < 0)
		return fail("open/INIT");
	if (write(fd, &c, sizeof(c)) != sizeof(c))
		return fail("ADD_TARGET");
	close(fd);
	return 0;
}

static int cmd_target(const char *table, const char *local, unsigned int cmd,
		      int fd_keep)
{
	struct rtprelay_cmd_target c;
	int fd;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	if (parse_addr(local, &c.local))
		return errno = EINVAL, fail("bad local address");
	fd = open_ctl(table, 1);
	if (fd < 0)
		return fail("open/INIT");
	if (write(fd, &c, sizeof(c)) != sizeof(c))
		return fail(cmd == RTPRELAY_CMD_DEL_TARGET ? "DEL_TARGET" : "GET_STATS");
	if (fd_keep)
		return fd;
	close(fd);
	return 0;
}

static int cmd_stats(const char *table, const char *local)
{
	struct rtprelay_target_stats st;
	int fd, i;

	fd = cmd_target(table, local, RTPRELAY_CMD_GET_STATS, 1);
	if (fd <= 1)
		return 1;
	if (read(fd, &st, sizeof(st)) != sizeof(st))
		return fail("read stats");
	printf("packets %llu bytes %llu rtcp %llu errors %llu dropped_src %llu last_ms %llu",
	       (unsigned long long)st.packets, (unsigned long long)st.bytes,
	       (unsigned long long)st.rtcp_packets, (unsigned long long)st.errors,
	       (unsigned long long)st.dropped_src,
	       (unsigned long long)st.last_packet_ms);
	for (i = 0; i < RTPRELAY_UP_COUNT; i++)
		printf(" userspace_%s %llu", up_names[i],
		       (unsigned long long)st.to_userspace[i]);
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rtprelay_ssrc_stats *ss = &st.ssrc[i];

		if (!ss->valid)
			continue;
		printf(" ssrc 0x%08x packets %llu lost %d ext_seq %u expected %u received %u duplicates %u probation %u jitter %u",
		       ss->ssrc, (unsigned long long)ss->packets, ss->lost,
		       ss->ext_max_seq, ss->expected, ss->received,
		       ss->duplicates, ss->probation, ss->jitter);
	}
	printf("\n");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "hello"))
		return cmd_hello(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "init-version"))
		return cmd_init_version(argv[2], strtoul(argv[3], NULL, 0));
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return cmd_add(argc - 1, argv + 1);
	if (argc >= 4 && !strcmp(argv[1], "del"))
		return cmd_target(argv[2], argv[3], RTPRELAY_CMD_DEL_TARGET, 0);
	if (argc >= 4 && !strcmp(argv[1], "stats"))
		return cmd_stats(argv[2], argv[3]);
	fprintf(stderr, "usage: rpctl hello|init-version|add|del|stats N ...\n");
	return 2;
}
