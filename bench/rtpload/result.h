// Result<T> and Error for rtpload's setup code: the daemon's own (header-only, so the
// benchmark still builds without linking the daemon).
#pragma once

#include "util/result.h"

namespace rtpload {

using rtprelay::Error;
template <class T>
using Result = rtprelay::Result<T>;

} // namespace rtpload
