// SPDX-License-Identifier: GPL-3.0-or-later
#include "top.h"

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "ng_client.h"
#include "ng_output.h"
#include "socket_io.h"
#include "terminal.h"
#include "top_view.h"
#include "util/strings.h"

namespace rtprelay::ctl {
namespace {

constexpr int64_t kRefreshMs = 1000;
// How many calls one round asks about: more than any screen shows, few enough that a round
// of queries stays well inside the refresh interval.
constexpr int64_t kMaxCalls = 1000;

struct Round {
	std::vector<CallSample> samples;
	std::string status;
};

ng::Value command(std::string_view name, Arena& arena)
{
	ng::Value req = ng::Value::dict(arena);
	req.set("command", ng::Value::string(name));
	return req;
}

std::vector<std::string> call_ids(NgClient& client, std::string& status)
{
	Arena arena;
	ng::Value req = command("list", arena);
	req.set("limit", ng::Value::integer(kMaxCalls));
	auto reply = client.request(req, arena);
	std::vector<std::string> ids;
	if (!reply) {
		status = reply.error().reason;
		return ids;
	}
	const ng::Value* calls = reply->find("calls");
	if (!calls || !calls->is_list()) {
		const ng::Value* reason = reply->find("error-reason");
		status = "list: " +
		         (reason ? value_text(*reason) : std::string("no calls in the reply"));
		return ids;
	}
	for (const auto& c : calls->as_list())
		if (c.is_string())
			ids.emplace_back(c.as_string());
	return ids;
}

// A call that ends between `list` and its `query` is simply left out of this round.
Round sample_round(NgClient& client)
{
	Round round;
	for (auto& id : call_ids(client, round.status)) {
		Arena arena;
		ng::Value req = command("query", arena);
		req.set("call-id", ng::Value::string(id));
		auto reply = client.request(req, arena);
		if (!reply) {
			round.status = reply.error().reason;
			break;
		}
		const ng::Value* result = reply->find("result");
		if (result && result->is_string() && result->as_string() == "ok")
			round.samples.push_back(sample_call(std::move(id), *reply, monotonic_ms()));
	}
	if (round.status.empty())
		round.status = "q or Ctrl-C quits; sorted by packets/s";
	return round;
}

std::string clock_text()
{
	time_t now = time(nullptr);
	tm local{};
	localtime_r(&now, &local);
	char buf[16];
	strftime(buf, sizeof(buf), "%H:%M:%S", &local);
	return buf;
}

} // namespace

int run_top(const Options& opts)
{
	auto client = NgClient::create(opts.ng, opts.timeout_ms);
	if (!client) {
		fprintf(stderr, "rtprelay-ctl: %s\n", client.error().reason.c_str());
		return 1;
	}
	auto term = Terminal::open();
	if (!term) {
		fprintf(stderr, "rtprelay-ctl: %s\n", term.error().reason.c_str());
		return 1;
	}
	TopView view;
	std::string title = "rtprelay-ctl top  " + opts.ng.to_string();
	std::string status;
	int64_t next = monotonic_ms();
	// Every pass draws (a resize ends the wait early and shows at once); a sample is taken
	// only when the second is up.
	while (!Terminal::stop_requested()) {
		if (monotonic_ms() >= next) {
			Round round = sample_round(*client);
			view.update(std::move(round.samples));
			status = std::move(round.status);
			next = monotonic_ms() + kRefreshMs;
		}
		size_t width = 0, height = 0;
		(*term)->size(width, height);
		(*term)->draw(view.render(width, height, title + "  " + clock_text(), status));
		if ((*term)->wait_for_quit(next))
			break;
	}
	return 0;
}

} // namespace rtprelay::ctl
