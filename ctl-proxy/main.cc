// SPDX-License-Identifier: GPL-3.0-or-later
// rtprelay-ctl: the operator's tool for rtprelayd (and rtpengine). Parses the command line,
// runs one command over the CLI or ng port, prints the answer; exit status 0 on success,
// 1 when the daemon says no or cannot be reached, 2 on a usage error.
#include <cstdio>
#include <exception>
#include <string>

#include "cli_client.h"
#include "command_table.h"
#include "ng/json.h"
#include "ng_client.h"
#include "ng_output.h"
#include "options.h"
#include "top.h"

namespace rtprelay::ctl {
namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

int fail(const std::string& reason)
{
	fprintf(stderr, "rtprelay-ctl: %s\n", reason.c_str());
	return kExitError;
}

int run_cli(const Options& opts, const Command& cmd)
{
	auto answer = cli_request(opts.cli, cmd.wire_words, opts.timeout_ms);
	if (!answer)
		return fail(answer.error().reason);
	auto error = cli_error_line(*answer);
	if (opts.json && !error) {
		auto doc = cli_json(cmd.format, *answer);
		if (!doc)
			return fail(doc.error().reason);
		printf("%s\n", doc->c_str());
	} else if (!error) {
		fputs(cli_human(cmd.format, *answer).c_str(), stdout);
	}
	return error ? fail(*error) : 0;
}

ng::Value ng_request(const Command& cmd, Arena& arena)
{
	ng::Value req = ng::Value::dict(arena);
	req.set("command", ng::Value::string(cmd.spec->words));
	if (!cmd.argument.empty())
		req.set("call-id", ng::Value::string(cmd.argument));
	return req;
}

int run_ng(const Options& opts, const Command& cmd)
{
	auto client = NgClient::create(opts.ng, opts.timeout_ms);
	if (!client)
		return fail(client.error().reason);
	Arena arena;
	auto reply = client->request(ng_request(cmd, arena), arena);
	if (!reply)
		return fail(reply.error().reason);
	const ng::Value* result = reply->find("result");
	std::string result_text = result ? value_text(*result) : "";
	bool ok = result_text == "ok" || result_text == "pong";
	if (opts.json) {
		std::string out;
		ng::json_encode(*reply, out);
		printf("%s\n", out.c_str());
	} else if (cmd.spec->words == "ping" && ok) {
		printf("%s\n", result_text.c_str());
	} else if (cmd.spec->words == "query" && ok) {
		fputs(query_human(*reply).c_str(), stdout);
	} else if (ok) {
		fputs(statistics_human(*reply).c_str(), stdout);
	}
	if (ok)
		return 0;
	const ng::Value* reason = reply->find("error-reason");
	return fail("ng " + opts.ng.to_string() + ": " + result_text +
	            (reason ? ": " + value_text(*reason) : ""));
}

int run(int argc, char** argv)
{
	auto opts = parse_options(argc, argv);
	if (!opts) {
		fprintf(stderr, "rtprelay-ctl: %s\n", opts.error().reason.c_str());
		return kExitUsage;
	}
	if (opts->help) {
		fputs(usage_text().c_str(), stdout);
		return 0;
	}
	auto cmd = find_command(opts->words);
	if (!cmd) {
		fprintf(stderr, "rtprelay-ctl: %s; see --help\n",
		        opts->words.empty() ? "no command given"
		                            : "unknown command or wrong arguments");
		return kExitUsage;
	}
	switch (cmd->spec->channel) {
	case Channel::kCli: return run_cli(*opts, *cmd);
	case Channel::kNg: return run_ng(*opts, *cmd);
	case Channel::kTop: return run_top(*opts);
	}
	return kExitUsage;
}

} // namespace
} // namespace rtprelay::ctl

int main(int argc, char** argv)
{
	// Only std::bad_alloc could get here: exit with a message rather than std::terminate's.
	try {
		return rtprelay::ctl::run(argc, argv);
	} catch (const std::exception& e) {
		fprintf(stderr, "rtprelay-ctl: %s\n", e.what());
		return rtprelay::ctl::kExitError;
	}
}
