// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/packet_batch.h"

#include <cstring>

namespace rtprelay::media {

PacketBatch::PacketBatch()
{
	memset(&recv, 0, sizeof recv);
	memset(&send, 0, sizeof send);
	prepare_receive();
}

void PacketBatch::prepare_receive()
{
	for (size_t i = 0; i < kSize; i++) {
		iov[i] = {buffers[i].data(), kBufferSize};
		recv[i].msg_hdr.msg_iov = &iov[i];
		recv[i].msg_hdr.msg_iovlen = 1;
		recv[i].msg_hdr.msg_name = &sources[i];
		recv[i].msg_hdr.msg_namelen = sizeof sources[i];
		recv[i].msg_hdr.msg_control = control[i].data();
		recv[i].msg_hdr.msg_controllen = kControlSize;
		recv[i].msg_len = 0;
	}
}

} // namespace rtprelay::media
