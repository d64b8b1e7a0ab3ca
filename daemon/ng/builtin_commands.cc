// SPDX-License-Identifier: GPL-3.0-or-later
// The table of every command rtprelayd serves.
#include "ng/command.h"

namespace rtprelay::ng {

CommandTable builtin_commands()
{
	CommandTable table;
	table.add("ping", cmd_ping);
	table.add("offer", cmd_offer);
	table.add("answer", cmd_answer);
	table.add("delete", cmd_delete);
	table.add("query", cmd_query);
	table.add("list", cmd_list);
	table.add("statistics", cmd_statistics);
	return table;
}

} // namespace rtprelay::ng
