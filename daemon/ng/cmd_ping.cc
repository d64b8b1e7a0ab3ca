// SPDX-License-Identifier: GPL-3.0-or-later
// ping: liveness check used by the SIP proxy's rtpengine module; answers result=pong.
#include "ng/command.h"

namespace rtprelay::ng {

// By value, as every Handler takes it.
void cmd_ping(Request& request, Completion done) // NOLINT(performance-unnecessary-value-param)
{
	Value reply = Value::dict(request.arena);
	reply.set("result", Value::string("pong"));
	done(reply);
}

} // namespace rtprelay::ng
