// Builders for offer, answer and delete dictionaries, with keys in the order Kamailio's
// rtpengine module writes them: supports, sdp, call-id, from-tag, to-tag, command,
// sip-message-type.
#include "ng_requests.h"

namespace rtpload {
namespace {

BValue request(const char* command, const CallIds& ids, const std::string* sdp, bool to_tag,
               const char* message_type, const std::string& transport_protocol = {})
{
	BValue d = BValue::dict();
	d.add("supports", BValue::list({BValue::str("load limit")}));
	if (!transport_protocol.empty())
		d.add("transport-protocol", BValue::str(transport_protocol));
	if (sdp)
		d.add("sdp", BValue::str(*sdp));
	d.add("call-id", BValue::str(ids.call_id));
	d.add("from-tag", BValue::str(ids.from_tag));
	if (to_tag)
		d.add("to-tag", BValue::str(ids.to_tag));
	d.add("command", BValue::str(command));
	d.add("sip-message-type", BValue::str(message_type));
	return d;
}

} // namespace

// An initial INVITE: no to-tag yet.
BValue make_offer(const CallIds& ids, std::string sdp, std::string transport_protocol)
{
	return request("offer", ids, &sdp, false, "sip-request", transport_protocol);
}

// The 200 OK to that INVITE.
BValue make_answer(const CallIds& ids, std::string sdp)
{
	return request("answer", ids, &sdp, true, "sip-response");
}

// The BYE from the caller.
BValue make_delete(const CallIds& ids)
{
	return request("delete", ids, nullptr, true, "sip-request");
}

} // namespace rtpload
