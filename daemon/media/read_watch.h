// SPDX-License-Identifier: GPL-3.0-or-later
// A receiver's socket being read by its media loop's I/O engine (a libevent event with epoll,
// an armed multishot receive with io_uring). Reading stops, for good, when it is destroyed:
// the socket may then go back to its pool and to another call.
#pragma once

namespace rtprelay::media {

class ReadWatch {
public:
	virtual ~ReadWatch() = default;
};

} // namespace rtprelay::media
