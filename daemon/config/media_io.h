// SPDX-License-Identifier: GPL-3.0-or-later
// Which I/O engine the media loops run on (--media-io). An enum of its own so that the config
// layer names it without depending on the media layer that implements it.
#pragma once

namespace rtprelay {

enum class MediaIo {
	kAuto,  // io_uring where the kernel and the process allow it, else epoll (default)
	kUring, // io_uring, or refuse to start
	kEpoll, // epoll (libevent), one recvmmsg and one sendmmsg per socket and wake-up
};

} // namespace rtprelay
