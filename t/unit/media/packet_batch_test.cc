#include "media/packet_batch.h"

#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace rtprelay::media;

// Receives real datagrams over loopback, as the forwarder does, to check that one larger than
// a buffer is reported as cut rather than passed on as if whole.
class PacketBatchTest : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(PacketBatchTest);
	CPPUNIT_TEST(reports_datagrams_that_did_not_fit);
	CPPUNIT_TEST(prepare_receive_forgets_the_last_batch);
	CPPUNIT_TEST_SUITE_END();

	int rx_ = -1, tx_ = -1;
	sockaddr_in to_{};
	std::unique_ptr<PacketBatch> batch_ = std::make_unique<PacketBatch>();

	void send(size_t size)
	{
		std::vector<uint8_t> d(size, 0x55);
		CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(size),
		                     sendto(tx_, d.data(), d.size(), 0,
		                            reinterpret_cast<const sockaddr*>(&to_), sizeof to_));
	}

	int receive()
	{
		batch_->prepare_receive();
		return recvmmsg(rx_, batch_->recv.data(), PacketBatch::kSize, MSG_DONTWAIT,
		                nullptr);
	}

public:
	void setUp() override
	{
		rx_ = socket(AF_INET, SOCK_DGRAM, 0);
		tx_ = socket(AF_INET, SOCK_DGRAM, 0);
		int rcvbuf = 1 << 20; // room for the whole test batch whatever rmem_default is
		setsockopt(rx_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
		to_.sin_family = AF_INET;
		to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		CPPUNIT_ASSERT_EQUAL(
		        0, bind(rx_, reinterpret_cast<const sockaddr*>(&to_), sizeof to_));
		socklen_t len = sizeof to_;
		getsockname(rx_, reinterpret_cast<sockaddr*>(&to_), &len);
	}

	void tearDown() override
	{
		close(rx_);
		close(tx_);
	}

	void reports_datagrams_that_did_not_fit()
	{
		const size_t sizes[] = {
		        12,   1500, PacketBatch::kBufferSize, PacketBatch::kBufferSize + 1,
		        9000, 65000};
		for (size_t size : sizes)
			send(size);
		CPPUNIT_ASSERT_EQUAL(6, receive());
		for (size_t i = 0; i < 6; i++) {
			bool cut = sizes[i] > PacketBatch::kBufferSize;
			CPPUNIT_ASSERT_EQUAL(cut, batch_->truncated(i));
			CPPUNIT_ASSERT_EQUAL(cut ? PacketBatch::kBufferSize : sizes[i],
			                     static_cast<size_t>(batch_->recv[i].msg_len));
		}
	}

	void prepare_receive_forgets_the_last_batch()
	{
		send(PacketBatch::kBufferSize + 1);
		CPPUNIT_ASSERT_EQUAL(1, receive());
		CPPUNIT_ASSERT(batch_->truncated(0));
		send(100);
		CPPUNIT_ASSERT_EQUAL(1, receive());
		CPPUNIT_ASSERT(!batch_->truncated(0));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PacketBatchTest);
