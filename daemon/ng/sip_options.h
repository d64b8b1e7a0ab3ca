// SPDX-License-Identifier: GPL-3.0-or-later
// SIP on the ng port: dispatcher-style health probes send OPTIONS to the relay's ng address;
// answering them means no extra port is needed for health checks. Control thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtprelay::ng {

enum class SipKind { kNotSip, kOptions, kOtherRequest, kResponse };

SipKind classify_sip(std::string_view datagram);

// kUnavailable while the relay refuses new calls (draining, or at a load limit), so that a
// dispatcher's health probe takes the node out of rotation until it serves again.
enum class SipStatus { kOk, kUnavailable };

// The "200 OK" (or "503 Service Unavailable") for an OPTIONS request, echoing its Via headers (all,
// in order), From, To (with a tag added if it has none), Call-ID and CSeq; then Content-Length,
// Allow and Server while they fit. Never larger than the request: the source of a UDP request may
// be spoofed, and a larger answer would make the relay an amplifier. nullopt if a mandatory header
// is missing, or (*too_large set) if even the echoed headers would be larger than the request.
std::optional<std::string> answer_options(std::string_view request, bool* too_large = nullptr,
                                          SipStatus status = SipStatus::kOk);

} // namespace rtprelay::ng
