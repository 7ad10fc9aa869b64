# Synthetic news corpus for bench/run.sh: N articles as NDJSON, one
# POST /jobs item per line ({"title","text","url","source","published_at"}).
#
#   awk -v n=2000 -v seed=42 -v rare=xylophrax -v mid=quintessor \
#       -v common=europe -f bench/gen_corpus.awk > corpus.ndjson
#
# Half the articles are French, half English (no "lang": newsd detects it).
# Words come from per-language function and topic lists plus a few thousand
# pseudo-words drawn with a Zipf law, so the vocabulary has rare, mid and
# common terms. Three planted terms give known frequencies for the search
# benchmarks, independent of the random draw:
#   common  in 9 articles out of 10,
#   mid     in 1 out of 20,
#   rare    in 1 out of 200 (at least one).
# Bodies are 2.5-5.5 KB (about 4 KB on average). Deterministic for a seed
# (for a given awk implementation). Output is ASCII or UTF-8 letters,
# spaces, punctuation and \n escapes only: no quote or backslash to escape.

function pick(arr, cnt) { return arr[int(rand() * cnt) + 1] }

function zipf_word(   r, lo, hi, m) {
	r = rand() * ztotal
	lo = 1
	hi = nv
	while (lo < hi) {
		m = int((lo + hi) / 2)
		if (zcum[m] < r)
			lo = m + 1
		else
			hi = m
	}
	return pseudo[lo]
}

function word(lang,   r) {
	r = rand()
	if (r < 0.42)
		return lang == "fr" ? pick(frf, nfrf) : pick(enf, nenf)
	if (r < 0.72)
		return lang == "fr" ? pick(frc, nfrc) : pick(enc, nenc)
	if (r < 0.78)
		return pick(names, nnames)
	return zipf_word()
}

function capital(w) { return toupper(substr(w, 1, 1)) substr(w, 2) }

function sentence(lang, plant,   len, s, i, at) {
	len = 8 + int(rand() * 13)
	at = plant != "" ? 2 + int(rand() * (len - 2)) : 0
	s = capital(word(lang))
	for (i = 2; i <= len; i++)
		s = s " " (i == at ? plant : word(lang))
	return s "."
}

BEGIN {
	if (n == "") n = 2000
	if (seed == "") seed = 42
	if (rare == "") rare = "xylophrax"
	if (mid == "") mid = "quintessor"
	if (common == "") common = "europe"
	srand(seed)

	nenf = split("the of and to in a is that for on with as was at by from it be has have are " \
	    "his her their this which not but an or were had said after who will been also its more " \
	    "than over into about new two when would could while there they we them some all other " \
	    "since before during under between against most only last first", enf, " ")
	nenc = split("government minister president election police city country court report week " \
	    "year people official talks agreement economy market company border security parliament " \
	    "vote crisis troops leaders summit spokesman statement capital region opposition protest " \
	    "investigation budget energy climate health hospital school workers union strike prices " \
	    "inflation bank growth exports farmers village mayor judge trial prison army navy ceasefire " \
	    "refugees migrants storm flood drought harvest football match champion season coach players " \
	    "museum exhibition festival film music writer newspaper television radio internet data " \
	    "technology research university students teachers doctors vaccine virus outbreak nurses " \
	    "railway airport flights train accident fire rescue victims witnesses suspect charges " \
	    "lawyers minister's reform pension taxes debt deficit coalition party candidate campaign " \
	    "poll turnout ballot referendum treaty sanctions embassy diplomat negotiations", enc, " ")
	nfrf = split("le la les de des du et en un une à au aux dans pour par sur avec qui que est " \
	    "a ont été il elle ils ce cette ne pas plus mais ou son sa ses leur selon après lors déjà " \
	    "très aussi entre sans sous depuis avant pendant contre donc car encore toujours nous vous " \
	    "on se y dont où tout tous toutes même", frf, " ")
	nfrc = split("gouvernement ministre président élection police ville pays tribunal rapport " \
	    "semaine année habitants responsable négociations accord économie marché entreprise " \
	    "frontière sécurité parlement vote crise troupes dirigeants sommet porte-parole déclaration " \
	    "capitale région opposition manifestation enquête budget énergie climat santé hôpital école " \
	    "salariés syndicat grève prix inflation banque croissance exportations agriculteurs village " \
	    "maire juge procès prison armée marine cessez-le-feu réfugiés migrants tempête inondation " \
	    "sécheresse récolte football match champion saison entraîneur joueurs musée exposition " \
	    "festival film musique écrivain journal télévision radio internet données technologie " \
	    "recherche université étudiants enseignants médecins vaccin virus épidémie infirmières " \
	    "chemin de fer aéroport vols train accident incendie secours victimes témoins suspect " \
	    "accusations avocats réforme retraites impôts dette déficit coalition parti candidat " \
	    "campagne sondage participation scrutin référendum traité sanctions ambassade diplomate " \
	    "mercredi jeudi vendredi samedi dimanche lundi mardi", frc, " ")
	nnames = split("Paris London Londres Berlin Moscou Moscow Washington Bruxelles Brussels " \
	    "Macron Merkel Poutine Putin Trump Johnson Scholz Meloni Sánchez Zelensky Erdogan Xi Modi " \
	    "Lula Biden Genève Geneva Lyon Marseille Toulouse Lille Madrid Rome Varsovie Warsaw Kyiv " \
	    "Dakar Abidjan Montréal Québec Ottawa Tokyo Beijing Pékin Reuters AFP ONU UN OTAN NATO", names, " ")
	nsrc = split("Le Monde|Le Figaro|Libération|Ouest-France|The Guardian|BBC News|The Times|Reuters", srcs, "|")

	# Pseudo-words: 2-4 syllables without q, x or y (the planted terms use
	# them, so no pseudo-word collides with one). Zipf weights 1/(rank+5).
	nsyl = split("ka ro mi tu ve la sno bri gal dor fen pil mar tes vin clo bu ra no sel tri " \
	    "pa go lu dé mè an on in ul er or ta be ci du fa", syl, " ")
	nv = 4000
	ztotal = 0
	for (i = 1; i <= nv; i++) {
		k = 2 + int(rand() * 3)
		w = ""
		for (j = 0; j < k; j++)
			w = w pick(syl, nsyl)
		pseudo[i] = w
		ztotal += 1 / (i + 5)
		zcum[i] = ztotal
	}

	for (a = 1; a <= n; a++) {
		lang = (rand() < 0.5) ? "fr" : "en"
		target = 2500 + int(rand() * 3000)
		# Planted terms go into a random sentence of the body.
		plant_common = (a % 10 != 0)
		plant_mid = (a % 20 == 3)
		plant_rare = (a % 200 == 7) || (n < 200 && a == 1)
		tlen = 6 + int(rand() * 5)
		title = capital(lang == "fr" ? pick(frc, nfrc) : pick(enc, nenc))
		for (i = 2; i <= tlen; i++)
			title = title " " (rand() < 0.3 ? pick(names, nnames) : word(lang))
		body = ""
		nsent = 0
		para = 0
		while (length(body) < target) {
			plant = ""
			if (nsent == 1 && plant_common) plant = common
			else if (nsent == 2 && plant_mid) plant = mid
			else if (nsent == 3 && plant_rare) plant = rare
			s = sentence(lang, plant)
			nsent++
			if (body == "")
				body = s
			else if (++para >= 3 + int(rand() * 4)) {
				body = body "\\n\\n" s
				para = 0
			} else
				body = body " " s
		}
		day = 1 + int(rand() * 28)
		month = 1 + int(rand() * 12)
		printf "{\"title\":\"%s\",\"text\":\"%s\",\"url\":\"https://bench.example/%s/%d\",\"source\":\"%s\",\"published_at\":\"2018-%02d-%02d\"}\n",
		    title, body, lang, a, pick(srcs, nsrc), month, day
	}
}
