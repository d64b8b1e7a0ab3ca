// SPDX-License-Identifier: GPL-3.0-or-later
// Session -> SDP text: every line of the session section, then of each media section, in
// order, each ended by CRLF. Deterministic: the same model always gives the same bytes.
#pragma once

#include <string>

#include "sdp/model.h"

namespace rtprelay::sdp {

std::string write(const Session& session);

} // namespace rtprelay::sdp
