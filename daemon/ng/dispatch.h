// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one decoded ng request through the command table and turns every outcome (reply,
// Error, unknown command, exception) into the reply dictionary. Control thread only, but for
// the EarlyReply a handler's work may call on a media loop.
#pragma once

#include <functional>

#include "ng/command.h"

namespace rtprelay::ng {

// `done` receives the final reply dictionary (with `result`), exactly once. `early`, when not
// empty, sends a final reply from any thread (see EarlyReply); the handler gets it wrapped
// so that `done` receives what it sent.
void dispatch(const CommandTable& table, const Value& params, Arena& arena, std::string_view cookie,
              const net::Endpoint& peer, call::Registry* calls,
              std::function<void(Value reply)> done, EarlyReply early = {});

// {result: error, error-reason: reason}
Value error_reply(Arena& arena, std::string_view reason);

} // namespace rtprelay::ng
