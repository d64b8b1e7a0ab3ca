// SPDX-License-Identifier: GPL-3.0-or-later
// One CLI answer from the answers of several nodes to the same command, for the proxy's CLI.
#pragma once

#include <string>
#include <vector>

namespace rtprelay::proxy {

// rtpengine's answer to `list sessions` on a relay without calls.
inline constexpr const char* kNoSessions = "No sessions on this media relay.\n";

// `list sessions all|own|foreign`: every node's session lines, node after node; kNoSessions
// when no node has one.
std::string merge_session_lists(const std::vector<std::string>& answers);

// `list numsessions` and other "Label: N" answers: each label once, in first-seen order,
// with the sum of its numbers; a line that is not "label: integer" is kept from the first
// answer that has it.
std::string sum_counts(const std::vector<std::string>& answers);

} // namespace rtprelay::proxy
