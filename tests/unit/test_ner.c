/* Entities (issue 4): the tagger, the rules and in-document coreference on
 * sentences written for these tests, the fixtures' entity expectations, and
 * the name keys (text_normalize_key) linking looks entities up by. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../server/text/internal.h"
#include "text.h"

struct ents {
	const char *text;
	struct text_entity *v;
	size_t n;
};

static void extract(struct ents *e, const char *text, const char *lang)
{
	e->text = text;
	assert_int_equal(text_entities_extract(text, lang, &e->v, &e->n), 0);
}

static void release(struct ents *e)
{
	text_entities_free(e->v, e->n);
	e->v = NULL;
	e->n = 0;
}

static const struct text_entity *by_name(const struct ents *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].name, name))
			return &e->v[i];
	return NULL;
}

/* The entity with a mention spelled exactly s, or NULL. */
static const struct text_entity *by_mention(const struct ents *e, const char *s)
{
	size_t i, k, l = strlen(s);

	for (i = 0; i < e->n; i++)
		for (k = 0; k < e->v[i].n_mentions; k++)
			if ((size_t)(e->v[i].mentions[k].end - e->v[i].mentions[k].start) == l &&
			    !memcmp(e->text + e->v[i].mentions[k].start, s, l))
				return &e->v[i];
	return NULL;
}

static bool has_form(const struct text_entity *x, const char *form)
{
	size_t i;

	for (i = 0; i < x->n_forms; i++)
		if (!strcmp(x->forms[i], form))
			return true;
	return false;
}

/* Invariants every entity keeps. */
static void check_shape(const struct ents *e)
{
	size_t i, k, j;

	for (i = 0; i < e->n; i++) {
		const struct text_entity *x = &e->v[i];
		char *key = text_normalize_key(x->name);

		assert_string_equal(x->key, key);
		free(key);
		assert_int_equal((size_t)x->count, x->n_mentions);
		assert_true(x->n_mentions >= 1 && x->n_forms >= 1);
		assert_string_equal(x->forms[0], x->key);
		assert_int_equal(x->first_offset, x->mentions[0].start);
		for (k = 0; k < x->n_mentions; k++) {
			assert_true(x->mentions[k].start < x->mentions[k].end);
			if (k)
				assert_true(x->mentions[k - 1].start < x->mentions[k].start);
		}
		for (k = 0; k < x->n_forms; k++)
			for (j = k + 1; j < x->n_forms; j++)
				assert_string_not_equal(x->forms[k], x->forms[j]);
		if (i)
			assert_true(e->v[i - 1].count > x->count ||
			            (e->v[i - 1].count == x->count &&
			             e->v[i - 1].first_offset < x->first_offset));
	}
}

static void test_titles_and_short_forms_fr(void **state)
{
	const char *text =
	        "Le président Emmanuel Macron a reçu jeudi à Paris le chef de l'État "
	        "ukrainien, Volodymyr Zelensky. M. Macron a promis une aide nouvelle.\n\n"
	        "Selon le conseiller du Kremlin Iouri Ouchakov, la Russie refuse. "
	        "M. Ouchakov a ajouté que Zelensky « devait choisir ».";
	const struct text_entity *x;
	struct ents e = {0};

	extract(&e, text, "fr");
	check_shape(&e);
	x = by_name(&e, "Emmanuel Macron");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(x->count, 2);
	assert_true(has_form(x, "macron"));
	/* the title is not part of the name, nor of the mention */
	assert_memory_equal(text + x->mentions[0].start, "Emmanuel Macron", 15);
	assert_int_equal(x->mentions[0].end - x->mentions[0].start, 15);
	assert_memory_equal(text + x->mentions[1].start, "Macron a promis", 6);
	x = by_name(&e, "Volodymyr Zelensky");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(x->count, 2);
	x = by_name(&e, "Iouri Ouchakov");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(x->count, 2); /* "M. Ouchakov" */
	assert_string_equal(x->forms[0], "iouri ouchakov");
	assert_true(has_form(x, "ouchakov"));
	assert_int_equal(by_name(&e, "Kremlin")->kind, TEXT_ENTITY_ORGANIZATION);
	assert_int_equal(by_name(&e, "Paris")->kind, TEXT_ENTITY_LOCATION);
	assert_null(by_name(&e, "Macron"));
	assert_null(by_name(&e, "M. Macron"));
	assert_null(by_name(&e, "Le"));
	release(&e);
}

static void test_english_and_possessive(void **state)
{
	const char *text = "WASHINGTON (Reuters) - President Donald Trump said on Monday that "
	                   "he would meet Vladimir Putin in Alaska. Trump's aides said the "
	                   "talks would focus on Ukraine, and Putin's spokesman Dmitry Peskov "
	                   "confirmed the date. Trump later flew to New York.";
	const struct text_entity *x;
	struct ents e = {0};

	extract(&e, text, "en");
	check_shape(&e);
	x = by_name(&e, "Donald Trump");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(x->count, 3);
	x = by_name(&e, "Vladimir Putin");
	assert_non_null(x);
	assert_int_equal(x->count, 2);
	assert_null(by_mention(&e, "Trump's"));
	assert_int_equal(by_name(&e, "Alaska")->kind, TEXT_ENTITY_LOCATION);
	assert_int_equal(by_name(&e, "Ukraine")->kind, TEXT_ENTITY_LOCATION);
	assert_int_equal(by_name(&e, "Dmitry Peskov")->kind, TEXT_ENTITY_PERSON);
	assert_non_null(by_name(&e, "New York"));
	assert_null(by_name(&e, "President Donald Trump"));
	release(&e);
}

/* A lone name opening a sentence (capitalised there anyway, seen nowhere
 * else) counts when the gazetteer knows exactly that name; an unknown
 * capitalised word there stays out. */
static void test_known_name_at_sentence_start(void **state)
{
	const char *en = "China's foreign ministry said the talks had failed. Officials "
	                 "declined to comment. Meanwhile the markets fell.";
	const char *fr = "Londres a annoncé lundi de nouvelles sanctions. Hier soir, les "
	                 "ministres se sont réunis.";
	struct ents e = {0};

	(void)state;
	extract(&e, en, "en");
	assert_non_null(by_name(&e, "China"));
	assert_int_equal(by_name(&e, "China")->kind, TEXT_ENTITY_LOCATION);
	assert_null(by_name(&e, "Officials"));
	assert_null(by_name(&e, "Meanwhile"));
	release(&e);
	extract(&e, fr, "fr");
	assert_non_null(by_name(&e, "Londres"));
	assert_int_equal(by_name(&e, "Londres")->kind, TEXT_ENTITY_LOCATION);
	assert_null(by_name(&e, "Hier"));
	release(&e);
}

static void test_german(void **state)
{
	const char *text = "Bundeskanzlerin Angela Merkel hat am Dienstag in Berlin den "
	                   "französischen Präsidenten getroffen. Merkel sagte, Deutschland und "
	                   "Frankreich stünden zusammen.";
	const struct text_entity *x;
	struct ents e = {0};

	extract(&e, text, "de");
	check_shape(&e);
	x = by_name(&e, "Angela Merkel");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_int_equal(x->count, 2);
	assert_int_equal(by_name(&e, "Berlin")->kind, TEXT_ENTITY_LOCATION);
	assert_non_null(by_name(&e, "Deutschland"));
	assert_null(by_name(&e, "Dienstag"));
	release(&e);
}

static void test_spanish(void **state)
{
	const char *text = "El presidente Pedro Sánchez viajó el lunes a Bruselas para reunirse "
	                   "con Ursula von der Leyen. Sánchez defendió el plan.";
	const struct text_entity *x;
	struct ents e = {0};

	extract(&e, text, "es");
	check_shape(&e);
	x = by_name(&e, "Pedro Sánchez");
	assert_non_null(x);
	assert_int_equal(x->count, 2);
	assert_int_equal(x->kind, TEXT_ENTITY_PERSON);
	assert_true(has_form(x, "sanchez"));
	assert_int_equal(by_name(&e, "Bruselas")->kind, TEXT_ENTITY_LOCATION);
	assert_non_null(by_name(&e, "Ursula von der Leyen"));
	release(&e);
}

/* Two people share a surname: the bare surname is not guessed. */
static void test_ambiguous_surname(void **state)
{
	const char *text = "John Smith and Jane Smith, who are not related, both ran for the "
	                   "council in Leeds. Smith said the result was close.";
	struct ents e = {0};
	const struct text_entity *x;

	extract(&e, text, "en");
	check_shape(&e);
	assert_int_equal(by_name(&e, "John Smith")->count, 1);
	assert_int_equal(by_name(&e, "Jane Smith")->count, 1);
	x = by_name(&e, "Smith");
	assert_non_null(x); /* kept as its own entity */
	assert_int_equal(x->count, 1);
	release(&e);
}

/* An acronym joins its long form only where the text defines it. */
static void test_acronyms(void **state)
{
	const char *defined = "Les ministres de l'Organisation du traité de l'Atlantique nord "
	                      "(OTAN) se réunissent à Bruxelles. L'OTAN veut renforcer son flanc "
	                      "est.";
	const char *bare = "Les ministres de l'OTAN se réunissent à Bruxelles. Ils parleront de "
	                   "l'Ukraine.";
	struct ents e = {0};
	const struct text_entity *x;

	extract(&e, defined, "fr");
	check_shape(&e);
	x = by_name(&e, "Organisation du traité de l'Atlantique nord");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_ORGANIZATION);
	assert_int_equal(x->count, 3);
	assert_true(has_form(x, "otan"));
	assert_null(by_name(&e, "OTAN"));
	release(&e);

	extract(&e, bare, "fr");
	check_shape(&e);
	x = by_name(&e, "OTAN");
	assert_non_null(x);
	assert_int_equal(x->kind, TEXT_ENTITY_ORGANIZATION);
	assert_int_equal(x->n_forms, 1);
	release(&e);
}

/* The old tagger's behaviour worth keeping. */
static void test_kept_behaviour(void **state)
{
	const char *text = "Hier, la ministre a visité Marseille. Selon elle, les travaux "
	                   "reprendront.\n\nDimanche, le général Charles de Gaulle était cité par "
	                   "Conor O'Brien, arrivé à New York.";
	struct ents e = {0};

	extract(&e, text, "fr");
	check_shape(&e);
	assert_null(by_name(&e, "Hier"));
	assert_null(by_name(&e, "Selon"));
	assert_null(by_name(&e, "Dimanche"));
	assert_non_null(by_name(&e, "Charles de Gaulle"));
	assert_non_null(by_name(&e, "Conor O'Brien"));
	assert_int_equal(by_name(&e, "Marseille")->kind, TEXT_ENTITY_LOCATION);
	assert_int_equal(by_name(&e, "New York")->kind, TEXT_ENTITY_LOCATION);
	release(&e);

	extract(&e, "", "fr");
	assert_int_equal(e.n, 0);
	assert_null(e.v);
	extract(&e, "rien que des minuscules ici.", NULL);
	assert_int_equal(e.n, 0);
	text_entities_free(NULL, 0);
}

/* No name crosses a line break. */
static void test_line_breaks(void **state)
{
	const char *text = "Réunion au Kremlin\n\nPoutine a reçu Trump à Moscou.";
	struct ents e = {0};
	size_t i, k;

	extract(&e, text, "fr");
	for (i = 0; i < e.n; i++)
		for (k = 0; k < e.v[i].n_mentions; k++)
			assert_null(memchr(
			        text + e.v[i].mentions[k].start, '\n',
			        (size_t)(e.v[i].mentions[k].end - e.v[i].mentions[k].start)));
	release(&e);
}

static void test_normalize_key(void **state)
{
	static const char *const cases[][2] = {
	        {"Путин", "putin"},
	        {"Владимир  Путин", "vladimir putin"},
	        {"Зеленський", "zelenskiy"},
	        {"Зеленский", "zelenskiy"},
	        {"Москва", "moskva"},
	        {"Τσίπρας", "tsipras"},
	        {"Ørsted", "orsted"},
	        {"Łódź", "lodz"},
	        {"Cæsar", "caesar"},
	        {"Œuvre", "oeuvre"},
	        {"Đoković", "dokovic"},
	        {"Straße", "strasse"},
	        {"Þór", "thor"},
	        {"Côte d’Ivoire", "cote d'ivoire"},
	        {"  Emmanuel\tMACRON ", "emmanuel macron"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *k = text_normalize_key(cases[i][0]);

		assert_non_null(k);
		assert_string_equal(k, cases[i][1]);
		free(k);
	}
	assert_null(text_normalize_key(NULL));
}

/* Every fixture's expected entities (tests/fixtures/articles/\*.expect.json,
 * "entities": each is folded part of an entity's name or of one of its
 * forms), except where
 * "pending" lists them. */
static void test_fixture_expectations(void **state)
{
	const char *dir =
	        getenv("NEWSD_FIXTURES") ? getenv("NEWSD_FIXTURES") : "tests/fixtures/articles";
	DIR *d = opendir(dir);
	struct dirent *de;
	int checked = 0, failed = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), i, k;
		char path[1024], name[512];
		json_t *exp, *ents, *pending;
		struct text_input in = {0};
		struct text_doc doc = TEXT_DOC_INIT;
		const char *why;
		char *raw = NULL;
		bool is_pending = false;

		if (l < 12 || strcmp(de->d_name + l - 12, ".expect.json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		exp = json_load_file(path, 0, NULL);
		assert_non_null(exp);
		ents = json_object_get(exp, "entities");
		pending = json_object_get(exp, "pending");
		for (i = 0; i < json_array_size(pending); i++)
			is_pending |=
			        !strcmp(json_string_value(json_array_get(pending, i)), "entities");
		if (!json_array_size(ents) || is_pending) {
			json_decref(exp);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s.txt", (int)(l - 12), de->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (access(path, R_OK) == 0) {
			raw = read_fixture(name);
			in.text = raw;
		} else {
			snprintf(name, sizeof(name), "%.*s.html", (int)(l - 12), de->d_name);
			raw = read_fixture(name);
			in.html = raw;
		}
		assert_int_equal(text_process(&in, &doc, &why), 0);
		for (i = 0; i < json_array_size(ents); i++) {
			char *want = text_normalize_key(json_string_value(json_array_get(ents, i)));
			bool found = false;

			for (k = 0; k < doc.n_entities && !found; k++) {
				size_t f;

				/* the name, or a form: "IBGE" is a form of "Instituto
				 * Brasileiro de Geografia e Estatística (IBGE)" */
				for (f = 0; f < doc.entities[k].n_forms && !found; f++)
					found = strstr(doc.entities[k].forms[f], want) != NULL;
			}
			if (!found) {
				fprintf(stderr, "  %s: entity \"%s\" not found\n", name, want);
				failed++;
			}
			checked++;
			free(want);
		}
		text_doc_release(&doc);
		free(raw);
		json_decref(exp);
	}
	closedir(d);
	fprintf(stderr, "  fixture entities: %d checked, %d missing\n", checked, failed);
	assert_true(checked > 50);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_titles_and_short_forms_fr),
	        cmocka_unit_test(test_english_and_possessive),
	        cmocka_unit_test(test_known_name_at_sentence_start),
	        cmocka_unit_test(test_german),
	        cmocka_unit_test(test_spanish),
	        cmocka_unit_test(test_ambiguous_surname),
	        cmocka_unit_test(test_acronyms),
	        cmocka_unit_test(test_kept_behaviour),
	        cmocka_unit_test(test_line_breaks),
	        cmocka_unit_test(test_normalize_key),
	        cmocka_unit_test(test_fixture_expectations),
	};
	int err;

	assert_int_equal(text_init(NULL), 0);
	err = cmocka_run_group_tests(tests, NULL, NULL);
	text_shutdown();
	return err;
}
