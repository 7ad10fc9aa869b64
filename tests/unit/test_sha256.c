/* SHA-256 against the FIPS 180-2 appendix B vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static void check_hex(const char *msg, size_t len, const char *want)
{
	char got[SHA256_HEX_LEN + 1];

	sha256_hex(msg, len, got);
	assert_string_equal(got, want);
}

static void test_abc(void **state)
{
	check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
	check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_448_bits(void **state)
{
	const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	assert_int_equal(strlen(msg), 56); /* the padding needs a second block */
	check_hex(msg, strlen(msg),
	          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
	size_t len = 1000000;
	char *msg = malloc(len);

	assert_non_null(msg);
	memset(msg, 'a', len);
	check_hex(msg, len, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(msg);
}

static void test_block_boundaries(void **state)
{
	/* 55, 56 and 64 bytes hit the three padding cases; compare raw and hex. */
	uint8_t raw[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN + 1], buf[64];

	memset(buf, 'a', sizeof(buf));
	check_hex(buf, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_hex(buf, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	sha256(buf, 56, raw);
	sha256_hex(buf, 56, hex);
	assert_int_equal(raw[0] >> 4, strchr("0123456789abcdef", hex[0]) - "0123456789abcdef");
	assert_int_equal(strlen(hex), SHA256_HEX_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_abc),
	        cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_448_bits),
	        cmocka_unit_test(test_million_a),
	        cmocka_unit_test(test_block_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
