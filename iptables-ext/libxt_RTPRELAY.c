// SPDX-License-Identifier: GPL-2.0
/*
 * libxt_RTPRELAY - iptables/ip6tables plugin for "-j RTPRELAY --id N".
 * The target info struct comes from the shared ABI header.
 */
#include <stdio.h>
#include <xtables.h>

#include "../kernel-module/uapi/rtprelay_abi.h"

enum { O_ID = 0 };

static void rtprelay_help(void)
{
	printf("RTPRELAY target options:\n"
	       "  --id N    rtprelay table number (0-%u); packets to a target\n"
	       "            in /proc/rtprelay/N are forwarded by the kernel\n",
	       RTPRELAY_MAX_TABLES - 1);
}

static const struct xt_option_entry rtprelay_opts[] = {
	{ .name = "id", .id = O_ID, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT,
	  XTOPT_POINTER(struct xt_rtprelay_info, id),
	  .max = RTPRELAY_MAX_TABLES - 1 },
	XTOPT_TABLEEND,
};

static void rtprelay_print(const void *ip, const struct xt_entry_target *target,
			   int numeric)
{
	const struct xt_rtprelay_info *info = (const void *)target->data;

	printf(" RTPRELAY id:%u", info->id);
}

static void rtprelay_save(const void *ip, const struct xt_entry_target *target)
{
	const struct xt_rtprelay_info *info = (const void *)target->data;

	printf(" --id %u", info->id);
}

static struct xtables_target rtprelay_tg_reg = {
	.name = "RTPRELAY",
	.revision = 0,
	.family = NFPROTO_UNSPEC,
	.version = XTABLES_VERSION,
	.size = XT_ALIGN(sizeof(struct xt_rtprelay_info)),
	.userspacesize = XT_ALIGN(sizeof(struct xt_rtprelay_info)),
	.help = rtprelay_help,
	.print = rtprelay_print,
	.save = rtprelay_save,
	.x6_parse = xtables_option_parse,
	.x6_options = rtprelay_opts,
};

static void __attribute__((constructor)) rtprelay_tg_ldr(void)
{
	xtables_register_target(&rtprelay_tg_reg);
}
