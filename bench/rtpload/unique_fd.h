// Move-only file descriptor: the daemon's own (header-only).
#pragma once

#include "util/unique_fd.h"

namespace rtpload {

using rtprelay::UniqueFd;

} // namespace rtpload
