// A call on a media loop of its own, without sockets, for the tests of the call model.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

#include "call/call.h"
#include "media/media_loop.h"

namespace rtprelay::test {

class CallFixture : public CppUnit::TestFixture {
public:
	void setUp() override
	{
		loop_ = std::move(media::MediaLoop::create(0, config_, [](auto&, auto&) {
		        })).value();
		call_ = std::make_unique<call::Call>("c", *loop_, limits_, 1);
	}

	void tearDown() override
	{
		call_.reset();
		loop_.reset();
	}

protected:
	// Parties `from` and `to` talking to each other over `lines` m= lines; returns `from`.
	call::Monologue& pair(const char* from, const char* to, int lines = 1)
	{
		call::Monologue& a = call_->get_or_create(from, 1);
		call::Monologue& b = call_->get_or_create(to, 1);
		a.peer = &b;
		b.peer = &a;
		a.media_at(lines);
		b.media_at(lines);
		return a;
	}

	Config config_;
	call::RuntimeLimits limits_{config_};
	std::unique_ptr<media::MediaLoop> loop_;
	std::unique_ptr<call::Call> call_;
};

} // namespace rtprelay::test
