/* Which Wikidata classes (P31, "instance of") newsd keeps, and as what.
 * Data, not logic: add a row to keep more. An item is a person when any of
 * its P31 values is Q5 (human); otherwise the first of its P31 values found
 * here decides. Subclasses are not followed (a dump line does not carry the
 * class hierarchy), so the common direct classes are listed. */
#include "kb.h"

#include <string.h>

struct kb_class {
	const char *qid;
	const char *kind;
	const char *what; /* the class's English label, for readers */
};

static const struct kb_class CLASSES[] = {
        {"Q5", "person", "human"},
        /* places */
        {"Q6256", "location", "country"},
        {"Q3624078", "location", "sovereign state"},
        {"Q3336843", "location", "country of the United Kingdom"},
        {"Q3024240", "location", "historical country"},
        {"Q1048835", "location", "political territorial entity"},
        {"Q56061", "location", "administrative territorial entity"},
        {"Q10864048", "location", "first-level administrative country subdivision"},
        {"Q107390", "location", "federated state"},
        {"Q35657", "location", "state of the United States"},
        {"Q1221156", "location", "state of Germany"},
        {"Q36784", "location", "region of France"},
        {"Q6465", "location", "department of France"},
        {"Q34876", "location", "province"},
        {"Q82794", "location", "geographic region"},
        {"Q1620908", "location", "historical region"},
        {"Q515", "location", "city"},
        {"Q5119", "location", "capital"},
        {"Q1549591", "location", "big city"},
        {"Q1637706", "location", "city with millions of inhabitants"},
        {"Q200250", "location", "metropolis"},
        {"Q7930989", "location", "city or town"},
        {"Q3957", "location", "town"},
        {"Q486972", "location", "human settlement"},
        {"Q15284", "location", "municipality"},
        {"Q484170", "location", "commune of France"},
        {"Q747074", "location", "comune of Italy"},
        {"Q262166", "location", "municipality of Germany"},
        {"Q70208", "location", "municipality of Switzerland"},
        {"Q23058", "location", "canton of Switzerland"},
        {"Q1093829", "location", "city of the United States"},
        {"Q702492", "location", "urban area"},
        {"Q5107", "location", "continent"},
        {"Q23442", "location", "island"},
        {"Q165", "location", "sea"},
        {"Q9430", "location", "ocean"},
        {"Q4022", "location", "river"},
        {"Q8502", "location", "mountain"},
        {"Q46831", "location", "mountain range"},
        /* organisations */
        {"Q43229", "organization", "organization"},
        {"Q484652", "organization", "international organization"},
        {"Q245065", "organization", "intergovernmental organization"},
        {"Q1335818", "organization", "supranational union"},
        {"Q1127126", "organization", "military alliance"},
        {"Q7278", "organization", "political party"},
        {"Q7210356", "organization", "political organization"},
        {"Q327333", "organization", "government agency"},
        {"Q2659904", "organization", "government organization"},
        {"Q7188", "organization", "government"},
        {"Q11204", "organization", "legislature"},
        {"Q35749", "organization", "parliament"},
        {"Q66344", "organization", "central bank"},
        {"Q22687", "organization", "bank"},
        {"Q4830453", "organization", "business"},
        {"Q783794", "organization", "company"},
        {"Q891723", "organization", "public company"},
        {"Q161726", "organization", "multinational corporation"},
        {"Q6881511", "organization", "enterprise"},
        {"Q192283", "organization", "news agency"},
        {"Q1331793", "organization", "media company"},
        {"Q11032", "organization", "newspaper"},
        {"Q1110794", "organization", "daily newspaper"},
        {"Q15265344", "organization", "broadcaster"},
        {"Q1616075", "organization", "television station"},
        {"Q14350", "organization", "radio station"},
        {"Q163740", "organization", "nonprofit organization"},
        {"Q79913", "organization", "non-governmental organization"},
        {"Q17149090", "organization", "armed organization"},
        {"Q8473", "organization", "military"},
        {"Q35535", "organization", "police"},
        {"Q3918", "organization", "university"},
        {"Q31855", "organization", "research institute"},
        {"Q476028", "organization", "association football club"},
        {"Q847017", "organization", "sports club"},
};

const char *kb_class_kind(const char *qid)
{
	size_t i;

	if (!qid)
		return NULL;
	for (i = 0; i < sizeof(CLASSES) / sizeof(CLASSES[0]); i++)
		if (strcmp(CLASSES[i].qid, qid) == 0)
			return CLASSES[i].kind;
	return NULL;
}
