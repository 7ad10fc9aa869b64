/* Knowledge base: the dump-line parser and filter on tests/fixtures/kb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "sha256.h"

/* Line n (1-based) of a fixture file, without its newline; caller frees. */
static char *fixture_line(const char *name, int n)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	ssize_t len = -1;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "tests/fixtures/kb/%s", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	for (i = 0; i < n; i++) {
		len = getline(&line, &cap, f);
		assert_true(len >= 0);
	}
	fclose(f);
	if (len > 0 && line[len - 1] == '\n')
		line[len - 1] = '\0';
	return line;
}

static const struct kb_filter DEFAULT_FILTER = {.min_notability = KB_DEFAULT_MIN_SITELINKS};

static bool has_name(const struct kb_entity *e, const char *lang, const char *value, bool label)
{
	size_t i;

	for (i = 0; i < e->n_names; i++)
		if (strcmp(e->names[i].lang, lang) == 0 && strcmp(e->names[i].value, value) == 0 &&
		    e->names[i].label == label)
			return true;
	return false;
}

static void test_person(void **state)
{
	char *line = fixture_line("small.json", 2);
	struct kb_entity e;

	assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 0);
	assert_string_equal(e.id, "Q7747");
	assert_string_equal(e.kind, "person");
	assert_string_equal(e.name, "Vladimir Putin");
	assert_string_equal(e.description, "President of Russia");
	assert_int_equal(e.notability, 6); /* sitelinks */
	assert_null(e.country_id);         /* P27 (citizenship) is not P17 */
	assert_false(e.has_coord);
	assert_true(has_name(&e, "fr", "Vladimir Poutine", true));
	assert_true(has_name(&e, "fr", "Poutine", false));
	assert_true(has_name(&e, "ru", "Путин", false));
	assert_true(has_name(&e, "en", "V. V. Putin", false));
	assert_true(has_name(&e, "ja", "ウラジーミル・プーチン", true));
	assert_int_equal(e.n_names, 8);
	kb_entity_release(&e);
	free(line);
}

static void test_country_and_city(void **state)
{
	char *line = fixture_line("small.json", 3);
	struct kb_entity e;

	assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 0);
	assert_string_equal(e.kind, "location");
	assert_string_equal(e.iso2, "RU");
	assert_null(e.description);
	assert_true(e.has_coord);
	kb_entity_release(&e);
	free(line);

	line = fixture_line("small.json", 4);
	assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 0);
	assert_string_equal(e.name, "Moscow");
	assert_string_equal(e.country_id, "Q159");
	assert_string_equal(e.iso2, "");
	assert_true(e.has_coord);
	assert_true(e.lat > 55.75 && e.lat < 55.76);
	assert_true(e.lon > 37.61 && e.lon < 37.62);
	assert_true(has_name(&e, "fr", "Moscou", true));
	kb_entity_release(&e);
	free(line);
}

static void test_organization_and_local_id(void **state)
{
	char *line = fixture_line("small.json", 5);
	struct kb_entity e;

	assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 0);
	assert_string_equal(e.kind, "organization"); /* government agency */
	assert_string_equal(e.country_id, "Q30");
	assert_true(has_name(&e, "fr", "Maison-Blanche", false));
	kb_entity_release(&e);
	free(line);

	line = fixture_line("small.json", 9);
	assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 0);
	assert_string_equal(e.id, "newsd:organization:agence-test");
	assert_int_equal(e.notability, 40); /* no sitelinks: newsd's own field */
	assert_string_equal(e.country_id, "newsd:country:FR");
	kb_entity_release(&e);
	free(line);
}

static void test_skipped(void **state)
{
	static const int skipped[] = {1, 6, 7, 8,
	                              10}; /* [, a language, 1 sitelink, a property, ] */
	struct kb_entity e;
	char *line;
	size_t i;

	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
		line = fixture_line("small.json", skipped[i]);
		assert_int_equal(kb_parse_line(line, strlen(line), &DEFAULT_FILTER, &e), 1);
		assert_null(e.root);
		free(line);
	}
	assert_int_equal(kb_parse_line("", 0, NULL, &e), 1);
	assert_int_equal(kb_parse_line("  ,\r", 4, NULL, &e), 1);
	/* With no threshold, the village is kept. */
	line = fixture_line("small.json", 7);
	assert_int_equal(kb_parse_line(line, strlen(line), NULL, &e), 0);
	assert_string_equal(e.kind, "location");
	kb_entity_release(&e);
	free(line);
}

static void test_malformed(void **state)
{
	char *line = fixture_line("malformed.json", 3);
	struct kb_entity e;

	assert_int_equal(kb_parse_line(line, strlen(line), NULL, &e), -EINVAL);
	assert_null(e.root);
	assert_int_equal(kb_parse_line("[1, 2]", 6, NULL, &e), -EINVAL);
	assert_int_equal(kb_parse_line("{\"labels\": {}}", 14, NULL, &e), -EINVAL); /* no id */
	assert_int_equal(kb_parse_line("{\"id\": \"Q1\", \"labels\": []}", 26, NULL, &e), -EINVAL);
	free(line);
}

static void test_langs(void **state)
{
	char *line = fixture_line("small.json", 2), **langs = NULL;
	struct kb_filter f = {0};
	struct kb_entity e;

	assert_int_equal(kb_langs_parse("de,ru", &langs), 0);
	f.langs = (const char *const *)langs;
	assert_int_equal(kb_parse_line(line, strlen(line), &f, &e), 0);
	/* No English or French label kept: the first kept label names it. */
	assert_string_equal(e.name, "Владимир Путин");
	assert_int_equal(e.n_names, 2);
	kb_entity_release(&e);
	kb_langs_free(langs);

	assert_int_equal(kb_langs_parse("en", &langs), 0);
	f.langs = (const char *const *)langs;
	assert_int_equal(kb_parse_line(line, strlen(line), &f, &e), 0);
	assert_string_equal(e.name, "Vladimir Putin");
	assert_int_equal(e.n_names, 3);
	kb_entity_release(&e);
	kb_langs_free(langs);

	assert_int_equal(kb_langs_parse("all", &langs), 0);
	assert_null(langs);
	assert_int_equal(kb_langs_parse("", &langs), -EINVAL);
	assert_int_equal(kb_langs_parse("en,,fr", &langs), -EINVAL);
	assert_int_equal(kb_langs_parse("en-gb,fr", &langs), 0);
	assert_string_equal(langs[0], "en-gb");
	assert_string_equal(langs[1], "fr");
	assert_null(langs[2]);
	kb_langs_free(langs);
	free(line);
}

static void test_class_table(void **state)
{
	assert_string_equal(kb_class_kind("Q5"), "person");
	assert_string_equal(kb_class_kind("Q515"), "location");
	assert_string_equal(kb_class_kind("Q6256"), "location");
	assert_string_equal(kb_class_kind("Q7278"), "organization");
	assert_string_equal(kb_class_kind("Q192283"), "organization");
	assert_null(kb_class_kind("Q1288568"));
	assert_null(kb_class_kind(NULL));
}

/* `newsd ... kb import F --langs=en ...`: kb's own arguments apart. */
static void test_cli_split(void **state)
{
	char a0[] = "newsd", a1[] = "--log-level", a2[] = "debug", a3[] = "kb", a4[] = "import",
	     a5[] = "f.json", a6[] = "--langs=en", a7[] = "--min-sitelinks", a8[] = "3",
	     a9[] = "--database-url=x";
	char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, NULL};
	char **sub = NULL;
	int argc = 10;

	assert_int_equal(kb_cli_split(&argc, argv, &sub), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[3], "kb");
	assert_string_equal(argv[4], "--database-url=x");
	assert_null(argv[5]);
	assert_string_equal(sub[0], "import");
	assert_string_equal(sub[1], "f.json");
	assert_string_equal(sub[2], "--langs=en");
	assert_string_equal(sub[3], "--min-sitelinks");
	assert_string_equal(sub[4], "3");
	assert_null(sub[5]);
	free(sub);
}

/* The dump's hash is computed piecewise as it is read. */
static void test_sha256_incremental(void **state)
{
	char buf[1000], one[SHA256_HEX_LEN + 1], inc[SHA256_HEX_LEN + 1];
	static const size_t cuts[] = {0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 333, 1000};
	struct sha256_ctx ctx;
	size_t i, k, at;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	for (k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		sha256_hex(buf, cuts[k], one);
		sha256_init(&ctx);
		for (at = 0; at < cuts[k]; at += 37)
			sha256_update(&ctx, buf + at, cuts[k] - at < 37 ? cuts[k] - at : 37);
		sha256_final_hex(&ctx, inc);
		assert_string_equal(inc, one);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_person),
	        cmocka_unit_test(test_country_and_city),
	        cmocka_unit_test(test_organization_and_local_id),
	        cmocka_unit_test(test_skipped),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_langs),
	        cmocka_unit_test(test_class_table),
	        cmocka_unit_test(test_cli_split),
	        cmocka_unit_test(test_sha256_incremental),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
