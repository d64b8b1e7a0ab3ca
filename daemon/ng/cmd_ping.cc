// ping: liveness check used by the SIP proxy's rtpengine module; answers result=pong.
#include "ng/command.h"

namespace rtprelay::ng {

void cmd_ping(Request& request, Completion done)
{
	Value reply = Value::dict(request.arena);
	reply.set("result", Value::string("pong"));
	done(reply);
}

} // namespace rtprelay::ng
