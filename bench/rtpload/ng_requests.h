// The ng requests rtpload sends, shaped like Kamailio's `rtpengine_offer()`,
// `rtpengine_answer()` and `rtpengine_delete()` without flags: command, call-id, tags, sdp,
// supports ["load limit"], sip-message-type. An offer may carry transport-protocol, as with
// Kamailio's RTP/AVP flag, to have the relay translate to that protocol towards the callee.
#pragma once

#include <string>

#include "bencode.h"

namespace rtpload {

struct CallIds {
	std::string call_id;
	std::string from_tag;
	std::string to_tag;
};

BValue make_offer(const CallIds& ids, std::string sdp, std::string transport_protocol = {});
BValue make_answer(const CallIds& ids, std::string sdp);
BValue make_delete(const CallIds& ids);

} // namespace rtpload
