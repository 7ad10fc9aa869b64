# Synthetic knowledge base for bench/kb_bench.sh: n entities in the Wikidata
# JSON dump format (dir/dump.json: persons, cities and organisations in turn,
# labels in en/fr/de/es, two English aliases, P31, P17, P625, eight
# sitelinks), and the rows `newsd kb import` writes for them, as COPY input
# (dir/entities.tsv, labels.tsv, aliases.tsv), for the PostgreSQL baseline.
#   awk -v n=200000 -v seed=42 -v dir=/tmp/x -f bench/gen_kb.awk
function word(k,   s, i) {
	s = ""
	for (i = 0; i < k; i++)
		s = s syl[int(rand() * nsyl)]
	return toupper(substr(s, 1, 1)) substr(s, 2)
}
function label(lang, v) {
	return sprintf("\"%s\":{\"language\":\"%s\",\"value\":\"%s\"}", lang, lang, v)
}
function alias(v) {
	return sprintf("{\"language\":\"en\",\"value\":\"%s\"}", v)
}
function item(prop, id) {
	return sprintf("\"%s\":[{\"mainsnak\":{\"snaktype\":\"value\",\"property\":\"%s\",\"datavalue\":{\"value\":{\"entity-type\":\"item\",\"id\":\"%s\"},\"type\":\"wikibase-entityid\"},\"datatype\":\"wikibase-item\"},\"type\":\"statement\",\"rank\":\"normal\"}]", prop, prop, id)
}
BEGIN {
	srand(seed)
	nsyl = split("ka ro ti na vel mar do su li fen ta bor ni ze qua lo mi sar pe tu gan dri vo", syl, " ")
	split("Q5 Q515 Q43229", cls, " ")
	split("person location organization", kinds, " ")
	split("enwiki frwiki dewiki eswiki itwiki ptwiki ruwiki nlwiki", sites, " ")
	dump = dir "/dump.json"; ents = dir "/entities.tsv"; labs = dir "/labels.tsv"; alis = dir "/aliases.tsv"
	print "[" > dump
	for (i = 1; i <= n; i++) {
		k = (i - 1) % 3 + 1
		first = word(2 + int(rand() * 2)); last = word(2 + int(rand() * 2))
		en = first " " last; fr = first "e " last; de = first " " last "er"; es = first "o " last
		a1 = last; a2 = substr(first, 1, 1) ". " last
		qid = "Q" (10000000 + i)
		sl = ""
		for (s = 1; s <= 8; s++)
			sl = sl (s > 1 ? "," : "") sprintf("\"%s\":{\"site\":\"%s\",\"title\":\"%s\",\"badges\":[]}", sites[s], sites[s], en)
		claims = item("P31", cls[k])
		if (k == 2)
			claims = claims "," item("P17", "Q142") sprintf(",\"P625\":[{\"mainsnak\":{\"snaktype\":\"value\",\"property\":\"P625\",\"datavalue\":{\"value\":{\"latitude\":%.4f,\"longitude\":%.4f,\"altitude\":null,\"precision\":0.0001,\"globe\":\"http://www.wikidata.org/entity/Q2\"},\"type\":\"globecoordinate\"},\"datatype\":\"globe-coordinate\"},\"type\":\"statement\",\"rank\":\"normal\"}]", rand() * 180 - 90, rand() * 360 - 180)
		printf "{\"type\":\"item\",\"id\":\"%s\",\"labels\":{%s,%s,%s,%s},\"descriptions\":{\"en\":{\"language\":\"en\",\"value\":\"synthetic %s\"}},\"aliases\":{\"en\":[%s,%s]},\"claims\":{%s},\"sitelinks\":{%s}}%s\n", \
			qid, label("en", en), label("fr", fr), label("de", de), label("es", es), kinds[k], alias(a1), alias(a2), claims, sl, (i < n ? "," : "") > dump
		printf "%d\t%s\t%s\t%s\t%s\t%s\t\\N\t8\tkb\t\\N\t\\N\n", i, qid, qid, kinds[k], en, tolower(en) > ents
		printf "%d\ten\t%s\n%d\tfr\t%s\n%d\tde\t%s\n%d\tes\t%s\n", i, en, i, fr, i, de, i, es > labs
		printf "%s\t%d\ten\t%s\n%s\t%d\tfr\t%s\n%s\t%d\tde\t%s\n%s\t%d\tes\t%s\n%s\t%d\ten\t%s\n%s\t%d\ten\t%s\n", \
			tolower(en), i, en, tolower(fr), i, fr, tolower(de), i, de, tolower(es), i, es, tolower(a1), i, a1, tolower(a2), i, a2 > alis
	}
	print "]" > dump
}
