// Call's party bookkeeping without sockets: which party answers (forks), which one a delete
// names, whether two parties still talk, and where their streams send.
#include "call/call.h"

#include <cppunit/extensions/HelperMacros.h>

#include "call_fixture.h"

using namespace rtprelay;
using namespace rtprelay::call;

class CallTest : public test::CallFixture {
	CPPUNIT_TEST_SUITE(CallTest);
	CPPUNIT_TEST(first_answer_names_the_offered_party);
	CPPUNIT_TEST(second_fork_takes_the_sockets_and_the_first_stays_apart);
	CPPUNIT_TEST(earlier_fork_answering_again_takes_the_sockets_back);
	CPPUNIT_TEST(no_offer_no_answerer);
	CPPUNIT_TEST(delete_names_the_to_tag_else_the_from_tag);
	CPPUNIT_TEST(delete_by_via_branch_and_of_an_unanswered_offer);
	CPPUNIT_TEST(talking_pair_ignores_fork_records_and_the_excluded_party);
	CPPUNIT_TEST(streams_route_as_rerouted_and_forget_a_removed_party);
	CPPUNIT_TEST_SUITE_END();

	media::LocalAddress address_; // outlives the call's m= lines

	// What an offer from `tag` leaves: the offerer and an untagged party with one m= line
	// each, talking to each other.
	Monologue& offer(const char* tag) { return pair(tag, ""); }

public:
	void first_answer_names_the_offered_party()
	{
		Monologue& a = offer("A");
		Monologue* b = a.peer;
		CPPUNIT_ASSERT_EQUAL(b, call_->answerer(a, "B", 2));
		CPPUNIT_ASSERT_EQUAL(std::string("B"), b->tag);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, call_->monologues().size());
		CPPUNIT_ASSERT_EQUAL(b, call_->answerer(a, "B", 3)); // a repeated answer
	}

	void second_fork_takes_the_sockets_and_the_first_stays_apart()
	{
		Monologue& a = offer("A");
		Monologue* sockets = a.peer;
		call_->answerer(a, "B1", 2)->label = "early";
		CPPUNIT_ASSERT_EQUAL(sockets, call_->answerer(a, "B2", 3));
		CPPUNIT_ASSERT_EQUAL(std::string("B2"), sockets->tag);
		CPPUNIT_ASSERT_EQUAL(std::string(""), sockets->label);
		CPPUNIT_ASSERT_EQUAL(int64_t{3}, sockets->created_ms);
		Monologue* b1 = call_->find("B1");
		CPPUNIT_ASSERT(b1 && b1 != sockets);
		CPPUNIT_ASSERT_EQUAL(std::string("early"), b1->label);
		CPPUNIT_ASSERT_EQUAL(int64_t{1}, b1->created_ms);
		CPPUNIT_ASSERT(b1->medias.empty() && !b1->peer);
		CPPUNIT_ASSERT_EQUAL(size_t{3}, call_->monologues().size());
	}

	void earlier_fork_answering_again_takes_the_sockets_back()
	{
		Monologue& a = offer("A");
		Monologue* sockets = a.peer;
		call_->answerer(a, "B1", 2);
		call_->answerer(a, "B2", 3);
		CPPUNIT_ASSERT_EQUAL(sockets, call_->answerer(a, "B1", 4));
		CPPUNIT_ASSERT_EQUAL(std::string("B1"), sockets->tag);
		CPPUNIT_ASSERT(call_->find("B2")->medias.empty());
		CPPUNIT_ASSERT_EQUAL(size_t{3}, call_->monologues().size());
	}

	void no_offer_no_answerer()
	{
		Monologue& a = call_->get_or_create("A", 1);
		CPPUNIT_ASSERT(!call_->answerer(a, "B", 2));
	}

	void delete_names_the_to_tag_else_the_from_tag()
	{
		Monologue& a = offer("A");
		call_->answerer(a, "B1", 2);
		call_->answerer(a, "B2", 3);
		CPPUNIT_ASSERT_EQUAL(call_->find("B1"), call_->party_to_delete("A", "B1", ""));
		CPPUNIT_ASSERT_EQUAL(a.peer, call_->party_to_delete("A", "B2", ""));
		CPPUNIT_ASSERT_EQUAL(&a, call_->party_to_delete("B2", "A", ""));
		CPPUNIT_ASSERT_EQUAL(&a, call_->party_to_delete("A", "", ""));
		CPPUNIT_ASSERT(!call_->party_to_delete("A", "nobody", ""));
		CPPUNIT_ASSERT(!call_->party_to_delete("X", "", ""));
	}

	void delete_by_via_branch_and_of_an_unanswered_offer()
	{
		Monologue& a = offer("A");
		a.peer->via_branch = "z9hG4bK1";
		CPPUNIT_ASSERT_EQUAL(a.peer, call_->party_to_delete("A", "", "z9hG4bK1"));
		// A to-tag nobody answered with (a 487 without SDP): the offer is what goes.
		CPPUNIT_ASSERT_EQUAL(&a, call_->party_to_delete("A", "B", ""));
	}

	void talking_pair_ignores_fork_records_and_the_excluded_party()
	{
		Monologue& a = offer("A");
		call_->answerer(a, "B1", 2);
		call_->answerer(a, "B2", 3);
		CPPUNIT_ASSERT(call_->has_talking_pair());
		CPPUNIT_ASSERT(call_->has_talking_pair(call_->find("B1")));
		CPPUNIT_ASSERT(!call_->has_talking_pair(call_->find("B2")));
		CPPUNIT_ASSERT(!call_->has_talking_pair(&a));
		call_->remove(*call_->find("B1"));
		CPPUNIT_ASSERT(call_->has_talking_pair());
		call_->remove(*call_->find("B2"));
		CPPUNIT_ASSERT(!call_->has_talking_pair());
	}

	// The packet path reads each stream's sinks as the call layer last set them: only
	// reroute() (after an exchange) and remove() change them.
	void streams_route_as_rerouted_and_forget_a_removed_party()
	{
		Monologue& a = pair("A", "B");
		Monologue& b = *a.peer;
		Media& am = *a.medias[0];
		Media& bm = *b.medias[0];
		am.allocation.address = &address_;
		bm.allocation.address = &address_;
		am.peer = &bm;
		bm.peer = &am;
		bm.rtcp_mux = true;
		CPPUNIT_ASSERT(am.rtp.route(false, 0) == nullptr); // not before a reroute
		call_->reroute();
		CPPUNIT_ASSERT(am.rtp.route(false, 0) == &bm.rtp);
		CPPUNIT_ASSERT(am.rtcp.route(true, 0) == &bm.rtp); // B muxes
		CPPUNIT_ASSERT(bm.rtp.route(false, 0) == &am.rtp);
		CPPUNIT_ASSERT(bm.rtcp.route(true, 0) == &am.rtcp);
		call_->remove(b);
		for (media::Stream* s : {&am.rtp, &am.rtcp})
			CPPUNIT_ASSERT(!s->route(false, 0) && !s->route(true, 0));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CallTest);
