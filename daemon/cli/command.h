// SPDX-License-Identifier: GPL-3.0-or-later
// What a CLI command handler sees and how it answers. The CLI speaks rtpengine-ctl's protocol:
// one line of words per connection, answered with text. Handlers run on the control thread and
// answer exactly once through their Reply, at once or after work on the media loops.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ng/command.h"

namespace rtprelay::call {
class Registry;
}

namespace rtprelay::cli {

struct Context {
	call::Registry& calls;
	const ng::CommandTable& ng; // for commands that reuse an ng reply (list jsonstats)
};

using Reply = std::function<void(std::string text)>;
// `args` are the words after the command's own; valid during the call only.
using Handler = void (*)(Context& ctx, std::span<const std::string_view> args, const Reply& done);

class CommandTable {
public:
	struct Match {
		Handler handler = nullptr;
		size_t words = 0; // how many words named the command
	};

	// `words` as "list sessions": the line's first words must be these.
	void add(std::string_view words, Handler handler);
	// The entry with the most words that start `line`; `get` is an alias for `list`, as
	// rtpengine's.
	Match find(std::span<const std::string_view> line) const;

private:
	struct Entry {
		std::vector<std::string_view> words;
		Handler handler;
	};
	std::vector<Entry> entries_;
};

// Splits at runs of spaces and tabs, as rtpengine does.
std::vector<std::string_view> split_words(std::string_view line);

// The line rtpengine answers a command it does not know with.
std::string unknown_command(std::string_view line);
// rtpengine's answer when a command lacks its arguments.
inline constexpr std::string_view kMoreParameters = "More parameters required.\n";

// The commands rtprelayd serves; one cmd_<topic>.cc file per group.
CommandTable builtin_commands();

void cmd_active(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_numsessions(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_sessions(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_totals(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_jsonstats(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_maxsessions(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_maxsessions(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_maxload(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_maxcpu(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_maxbw(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_maxload(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_maxcpu(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_maxbw(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_drain(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_drain(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_maxopenfiles(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_timeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_silenttimeout(Context& ctx, std::span<const std::string_view> args,
                            const Reply& done);
void cmd_list_finaltimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_offertimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_timeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_silenttimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_finaltimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_offertimeout(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_deletedelay(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_controltos(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_get_loglevel(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_list_loglevels(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_set_loglevel(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_terminate(Context& ctx, std::span<const std::string_view> args, const Reply& done);
void cmd_interfaces(Context& ctx, std::span<const std::string_view> args, const Reply& done);

} // namespace rtprelay::cli
