/* One line of a Wikidata JSON dump to a struct kb_entity: pure, no I/O. */
#include "kb.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void kb_entity_release(struct kb_entity *e)
{
	if (!e)
		return;
	free(e->names);
	json_decref(e->root);
	*e = KB_ENTITY_INIT;
}

static bool lang_kept(const struct kb_filter *f, const char *lang)
{
	const char *const *l;
	size_t n;

	if (!f || !f->langs)
		return true;
	for (l = f->langs; *l; l++) {
		n = strlen(*l);
		if (strncmp(lang, *l, n) == 0 && (lang[n] == '\0' || lang[n] == '-'))
			return true;
	}
	return false;
}

/* The value of a claim's main snak, or NULL (novalue, somevalue). */
static json_t *claim_value(json_t *claims, const char *prop, size_t i)
{
	json_t *snak =
	        json_object_get(json_array_get(json_object_get(claims, prop), i), "mainsnak");
	json_t *dv = json_object_get(snak, "datavalue");

	return json_object_get(dv, "value");
}

static const char *kind_of(json_t *claims)
{
	json_t *p31 = json_object_get(claims, "P31");
	const char *kind = NULL, *k;
	size_t i, n = json_array_size(p31);

	for (i = 0; i < n; i++) {
		k = kb_class_kind(
		        json_string_value(json_object_get(claim_value(claims, "P31", i), "id")));
		if (k && strcmp(k, "person") == 0)
			return k;
		if (k && !kind)
			kind = k;
	}
	return kind;
}

static int add_name(struct kb_entity *e, size_t *alloc, const char *lang, const char *value,
                    bool label)
{
	struct kb_name *grown;

	if (!value || !*value || !lang)
		return 0;
	if (e->n_names == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		grown = realloc(e->names, *alloc * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		e->names = grown;
	}
	e->names[e->n_names++] = (struct kb_name){.lang = lang, .value = value, .label = label};
	return 0;
}

static const char *text_in(json_t *map, const char *lang)
{
	return json_string_value(json_object_get(json_object_get(map, lang), "value"));
}

static int collect_names(struct kb_entity *e, json_t *labels, json_t *aliases,
                         const struct kb_filter *f)
{
	const char *lang;
	json_t *v, *a;
	size_t alloc = 0, i;
	int err = 0;

	json_object_foreach (labels, lang, v) {
		if (!lang_kept(f, lang))
			continue;
		err = add_name(e, &alloc, lang, json_string_value(json_object_get(v, "value")),
		               true);
		if (err)
			return err;
	}
	json_object_foreach (aliases, lang, v) {
		if (!lang_kept(f, lang))
			continue;
		json_array_foreach (v, i, a) {
			err = add_name(e, &alloc, lang,
			               json_string_value(json_object_get(a, "value")), false);
			if (err)
				return err;
		}
	}
	return 0;
}

int kb_parse_line(const char *line, size_t len, const struct kb_filter *f, struct kb_entity *e)
{
	json_error_t jerr;
	json_t *root, *claims, *labels, *sitelinks, *coord, *descr;
	const char *iso, *type;
	size_t i;
	int err;

	*e = KB_ENTITY_INIT;
	while (len && (line[len - 1] == ',' || line[len - 1] == ' ' || line[len - 1] == '\t' ||
	               line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || (len == 1 && (*line == '[' || *line == ']')))
		return 1;
	root = json_loadb(line, len, 0, &jerr);
	if (!root)
		return -EINVAL;
	e->root = root;
	e->id = json_string_value(json_object_get(root, "id"));
	labels = json_object_get(root, "labels");
	if (!json_is_object(root) || !e->id || (labels && !json_is_object(labels))) {
		kb_entity_release(e);
		return -EINVAL;
	}
	/* Properties and lexemes: nothing to keep. */
	type = json_string_value(json_object_get(root, "type"));
	if (type && strcmp(type, "item") != 0)
		goto skip;
	claims = json_object_get(root, "claims");
	e->kind = kind_of(claims);
	if (!e->kind)
		goto skip;
	sitelinks = json_object_get(root, "sitelinks");
	if (json_is_object(sitelinks))
		e->notability = (int)json_object_size(sitelinks);
	else if (json_is_integer(json_object_get(root, "notability")))
		e->notability = (int)json_integer_value(json_object_get(root, "notability"));
	else
		e->notability = (int)json_object_size(labels);
	if (f && e->notability < f->min_notability)
		goto skip;
	err = collect_names(e, labels, json_object_get(root, "aliases"), f);
	if (err) {
		kb_entity_release(e);
		return err;
	}
	e->name = text_in(labels, "en");
	if (!e->name || !lang_kept(f, "en"))
		e->name = lang_kept(f, "fr") ? text_in(labels, "fr") : NULL;
	for (i = 0; !e->name && i < e->n_names; i++)
		if (e->names[i].label)
			e->name = e->names[i].value;
	if (!e->name)
		goto skip;
	descr = json_object_get(root, "descriptions");
	e->description = text_in(descr, "en");
	if (!e->description)
		e->description = text_in(descr, "fr");
	e->country_id = json_string_value(json_object_get(claim_value(claims, "P17", 0), "id"));
	iso = json_string_value(claim_value(claims, "P297", 0));
	if (iso && strlen(iso) == 2) {
		e->iso2[0] = iso[0];
		e->iso2[1] = iso[1];
	}
	coord = claim_value(claims, "P625", 0);
	if (json_is_number(json_object_get(coord, "latitude")) &&
	    json_is_number(json_object_get(coord, "longitude"))) {
		e->has_coord = true;
		e->lat = json_number_value(json_object_get(coord, "latitude"));
		e->lon = json_number_value(json_object_get(coord, "longitude"));
	}
	return 0;
skip:
	kb_entity_release(e);
	return 1;
}

int kb_langs_parse(const char *spec, char ***out)
{
	char **langs;
	const char *p = spec, *end;
	size_t n = 1, k = 0;

	*out = NULL;
	if (!spec || !*spec)
		return -EINVAL;
	if (strcmp(spec, "all") == 0)
		return 0;
	for (end = spec; *end; end++)
		n += *end == ',';
	langs = calloc(n + 1, sizeof(*langs));
	if (!langs)
		return -ENOMEM;
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (end == p || end - p > 15) {
			kb_langs_free(langs);
			return -EINVAL;
		}
		langs[k] = strndup(p, (size_t)(end - p));
		if (!langs[k]) {
			kb_langs_free(langs);
			return -ENOMEM;
		}
		k++;
		p = *end ? end + 1 : end;
	}
	if (!k) {
		kb_langs_free(langs);
		return -EINVAL;
	}
	*out = langs;
	return 0;
}

void kb_langs_free(char **langs)
{
	char **l;

	if (!langs)
		return;
	for (l = langs; *l; l++)
		free(*l);
	free(langs);
}
