#include "util/base64.h"

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <string>

using namespace rtprelay::util;

class Base64Test : public CppUnit::TestFixture {
	CPPUNIT_TEST_SUITE(Base64Test);
	CPPUNIT_TEST(rfc4648_vectors);
	CPPUNIT_TEST(every_length_round_trips);
	CPPUNIT_TEST(padding_may_be_left_out);
	CPPUNIT_TEST(non_canonical_text_is_refused);
	CPPUNIT_TEST(output_that_does_not_fit_is_refused);
	CPPUNIT_TEST_SUITE_END();

	static std::string encode(std::string_view s)
	{
		std::string out;
		base64_encode({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, out);
		return out;
	}

	static std::optional<std::string> decode(std::string_view text)
	{
		std::array<uint8_t, 64> buf{};
		auto n = base64_decode(text, buf);
		if (!n)
			return std::nullopt;
		return std::string(reinterpret_cast<const char*>(buf.data()), *n);
	}

public:
	void rfc4648_vectors()
	{
		const std::pair<std::string_view, std::string_view> vectors[] = {
		        {"", ""},
		        {"f", "Zg=="},
		        {"fo", "Zm8="},
		        {"foo", "Zm9v"},
		        {"foob", "Zm9vYg=="},
		        {"fooba", "Zm9vYmE="},
		        {"foobar", "Zm9vYmFy"}};
		for (auto [plain, text] : vectors) {
			CPPUNIT_ASSERT_EQUAL(std::string(text), encode(plain));
			CPPUNIT_ASSERT(decode(text) == std::string(plain));
		}
	}

	void every_length_round_trips()
	{
		std::array<uint8_t, 48> data{};
		for (size_t i = 0; i < data.size(); i++)
			data[i] = static_cast<uint8_t>(i * 37 + 11);
		for (size_t len = 0; len <= data.size(); len++) {
			std::string text;
			base64_encode({data.data(), len}, text);
			CPPUNIT_ASSERT_EQUAL(base64_encoded_size(len), text.size());
			std::array<uint8_t, 48> back{};
			auto n = base64_decode(text, back);
			CPPUNIT_ASSERT(n && *n == len);
			CPPUNIT_ASSERT(std::equal(back.begin(), back.begin() + len, data.begin()));
		}
	}

	void non_canonical_text_is_refused()
	{
		for (std::string_view bad :
		     {"Zg=", "Zh==", "Zm9=", "Zh", "Zm9", "Z", "Zm9vZ", "Zm 9v", "Zm9v\n",
		      "Z===", "====", "Zg==Zg==", "Zm-_", "Zm9\xff", "Zm9v=="})
			CPPUNIT_ASSERT_MESSAGE(std::string(bad), !decode(bad));
	}

	// rtpengine writes SDES keys without it unless told to pad.
	void padding_may_be_left_out()
	{
		CPPUNIT_ASSERT(decode("Zg") == std::string("f"));
		CPPUNIT_ASSERT(decode("Zm8") == std::string("fo"));
		CPPUNIT_ASSERT(decode("Zm9vYmE") == std::string("fooba"));
		std::string out;
		base64_encode({reinterpret_cast<const uint8_t*>("fooba"), 5}, out, false);
		CPPUNIT_ASSERT_EQUAL(std::string("Zm9vYmE"), out);
		CPPUNIT_ASSERT_EQUAL(size_t{7}, base64_encoded_size(5, false));
	}

	void output_that_does_not_fit_is_refused()
	{
		std::array<uint8_t, 2> small{};
		CPPUNIT_ASSERT(!base64_decode("Zm9v", small));
		CPPUNIT_ASSERT(base64_decode("Zm8=", small) == size_t{2});
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(Base64Test);
