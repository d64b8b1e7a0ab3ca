// SPDX-License-Identifier: GPL-3.0-or-later
// How streams learn where a party's media comes from (--endpoint-learning). An enum of its own
// so that the config layer names it without depending on the media layer that implements it.
#pragma once

namespace rtprelay {

enum class LearningMode {
	kDelayed,   // learn during a window after the first packet, then confirm (default)
	kImmediate, // the first packet's source is confirmed at once
	kOff,       // never learn: send where the SDP says
	kHeuristic, // like delayed, preferring sources that match the SDP address and port
};

} // namespace rtprelay
