// The ng requests rtpload sends, shaped like Kamailio's `rtpengine_offer()`,
// `rtpengine_answer()` and `rtpengine_delete()` without flags: command, call-id, tags, sdp,
// supports ["load limit"], sip-message-type.
#pragma once

#include <string>

#include "bencode.h"

namespace rtpload {

struct CallIds {
	std::string call_id;
	std::string from_tag;
	std::string to_tag;
};

BValue make_offer(const CallIds& ids, std::string sdp);
BValue make_answer(const CallIds& ids, std::string sdp);
BValue make_delete(const CallIds& ids);

} // namespace rtpload
