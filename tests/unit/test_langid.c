/* langid: text_detect_lang() on sentences of our own in 28 languages, short
 * and mixed texts, confidence ordering, bounds, threads and custom profile
 * sets. Needs libexttextcat-data (/usr/share/libexttextcat). Run from the
 * repository root (the fixtures are read from tests/fixtures/articles). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

#define PROFILES "/usr/share/libexttextcat"
#define THREADS 4
#define ROUNDS 20

struct sample {
	const char *lang, *text;
};

/* One news-like paragraph per language, written for these tests. */
static const struct sample SAMPLES[] = {
        {"en", "The city council approved the new budget on Tuesday evening after a long debate "
               "about public transport and housing. The mayor said that the plan would create "
               "hundreds of jobs over the next three years, while the opposition warned that "
               "taxes were likely to rise."},
        {"fr", "Le conseil municipal a adopté mardi soir le nouveau budget après un long débat sur "
               "les transports publics et le logement. Le maire a déclaré que ce plan permettrait "
               "de créer des centaines d'emplois au cours des trois prochaines années, tandis que "
               "l'opposition craint une hausse des impôts."},
        {"de", "Der Stadtrat hat am Dienstagabend nach einer langen Debatte über den öffentlichen "
               "Nahverkehr und den Wohnungsbau den neuen Haushalt beschlossen. Der Bürgermeister "
               "sagte, der Plan werde in den nächsten drei Jahren Hunderte von Arbeitsplätzen "
               "schaffen, während die Opposition vor höheren Steuern warnte."},
        {"es", "El ayuntamiento aprobó el martes por la noche el nuevo presupuesto tras un largo "
               "debate sobre el transporte público y la vivienda. El alcalde afirmó que el plan "
               "creará cientos de empleos en los próximos tres años, mientras que la oposición "
               "advirtió de una posible subida de impuestos."},
        {"it", "Il consiglio comunale ha approvato martedì sera il nuovo bilancio dopo un lungo "
               "dibattito sui trasporti pubblici e sulla casa. Il sindaco ha detto che il piano "
               "creerà centinaia di posti di lavoro nei prossimi tre anni, mentre l'opposizione "
               "teme un aumento delle tasse."},
        {"pt", "A câmara municipal aprovou na terça-feira à noite o novo orçamento, depois de um "
               "longo debate sobre os transportes públicos e a habitação. O presidente da câmara "
               "afirmou que o plano vai criar centenas de postos de trabalho nos próximos três "
               "anos, enquanto a oposição receia um aumento dos impostos."},
        {"nl", "De gemeenteraad heeft dinsdagavond na een lang debat over het openbaar vervoer en "
               "de woningbouw de nieuwe begroting goedgekeurd. De burgemeester zei dat het plan de "
               "komende drie jaar honderden banen zal opleveren, terwijl de oppositie waarschuwde "
               "voor hogere belastingen."},
        {"pl", "Rada miejska przyjęła we wtorek wieczorem nowy budżet po długiej debacie na temat "
               "transportu publicznego i mieszkalnictwa. Burmistrz powiedział, że plan stworzy w "
               "ciągu najbliższych trzech lat setki miejsc pracy, natomiast opozycja ostrzega "
               "przed wzrostem podatków."},
        {"sv", "Kommunfullmäktige godkände på tisdagskvällen den nya budgeten efter en lång debatt "
               "om kollektivtrafik och bostäder. Borgmästaren sade att planen skulle skapa "
               "hundratals arbetstillfällen under de kommande tre åren, medan oppositionen varnade "
               "för högre skatter."},
        {"da", "Byrådet vedtog tirsdag aften det nye budget efter en lang debat om offentlig "
               "transport og boliger. Borgmesteren sagde, at planen vil skabe hundredvis af "
               "arbejdspladser i de kommende tre år, mens oppositionen advarede mod højere "
               "skatter."},
        {"tr", "Belediye meclisi salı akşamı toplu taşıma ve konut üzerine uzun bir tartışmanın "
               "ardından yeni bütçeyi onayladı. Belediye başkanı, planın önümüzdeki üç yıl içinde "
               "yüzlerce iş imkânı yaratacağını söylerken muhalefet vergilerin artabileceği "
               "konusunda uyardı."},
        {"fi", "Kaupunginvaltuusto hyväksyi uuden talousarvion tiistai-iltana pitkän "
               "joukkoliikennettä ja asumista koskevan keskustelun jälkeen. Pormestarin mukaan "
               "suunnitelma luo satoja työpaikkoja seuraavien kolmen vuoden aikana, kun taas "
               "oppositio varoitti veronkorotuksista."},
        {"hu", "A városi közgyűlés kedd este hosszú vita után elfogadta az új költségvetést a "
               "tömegközlekedésről és a lakhatásról. A polgármester szerint a terv a következő "
               "három évben több száz munkahelyet teremt, az ellenzék viszont adóemelésre "
               "figyelmeztetett."},
        {"cs", "Městské zastupitelstvo v úterý večer po dlouhé debatě o veřejné dopravě a bydlení "
               "schválilo nový rozpočet. Starosta uvedl, že plán během příštích tří let vytvoří "
               "stovky pracovních míst, zatímco opozice varovala před zvýšením daní."},
        {"ro", "Consiliul local a aprobat marți seara noul buget, după o dezbatere lungă despre "
               "transportul public și locuințe. Primarul a declarat că planul va crea sute de "
               "locuri de muncă în următorii trei ani, în timp ce opoziția a avertizat că "
               "impozitele ar putea crește."},
        {"vi", "Hội đồng thành phố đã thông qua ngân sách mới vào tối thứ Ba sau một cuộc tranh "
               "luận dài về giao thông công cộng và nhà ở. Thị trưởng cho biết kế hoạch này sẽ tạo "
               "ra hàng trăm việc làm trong ba năm tới, trong khi phe đối lập cảnh báo rằng thuế "
               "có thể tăng."},
        {"id", "Dewan kota menyetujui anggaran baru pada Selasa malam setelah perdebatan panjang "
               "tentang transportasi umum dan perumahan. Wali kota mengatakan rencana itu akan "
               "menciptakan ratusan lapangan kerja dalam tiga tahun ke depan, sementara pihak "
               "oposisi memperingatkan kenaikan pajak."},
        {"ru", "Городской совет во вторник вечером утвердил новый бюджет после долгих споров об "
               "общественном транспорте и жилье. Мэр заявил, что этот план позволит создать сотни "
               "рабочих мест в ближайшие три года, а оппозиция предупредила о возможном повышении "
               "налогов."},
        {"uk", "Міська рада у вівторок увечері затвердила новий бюджет після тривалої дискусії "
               "щодо громадського транспорту та житла. Міський голова заявив, що цей план "
               "дозволить створити сотні робочих місць протягом найближчих трьох років, тоді як "
               "опозиція попередила про можливе підвищення податків."},
        {"el", "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη το βράδυ τον νέο προϋπολογισμό μετά από "
               "μακρά συζήτηση για τις δημόσιες συγκοινωνίες και τη στέγαση. Ο δήμαρχος δήλωσε ότι "
               "το σχέδιο θα δημιουργήσει εκατοντάδες θέσεις εργασίας τα επόμενα τρία χρόνια, ενώ "
               "η αντιπολίτευση προειδοποίησε για αύξηση των φόρων."},
        {"zh", "市议会周二晚上在就公共交通和住房问题进行长时间辩论后批准了新的预算。市长表示，"
               "该计划将在未来三年内创造数百个就业岗位，而反对派则警告说税收可能会增加。"},
        {"zh", "市議會週二晚上在就公共交通和住房問題進行長時間辯論後批准了新的預算。市長表示，"
               "該計劃將在未來三年內創造數百個就業崗位，而反對派則警告說稅收可能會增加。"},
        {"ja", "市議会は火曜日の夜、公共交通機関と住宅をめぐる長い議論の末に新しい予算案を承認し"
               "た。市長はこの計画によって今後三年間で数百人の雇用が生まれると述べたが、野党は増"
               "税につながると警告した。"},
        {"ko", "시의회는 화요일 저녁 대중교통과 주택 문제를 둘러싼 긴 논의 끝에 새 예산안을 "
               "승인했다. 시장은 이 계획이 앞으로 3년 동안 수백 개의 일자리를 만들 것이라고 "
               "말했지만, 야당은 세금이 오를 수 있다고 경고했다."},
        {"ar",
         "وافق مجلس المدينة مساء الثلاثاء على الميزانية الجديدة بعد نقاش طويل حول النقل العام "
         "والسكن. وقال رئيس البلدية إن الخطة ستوفر مئات فرص العمل خلال السنوات الثلاث "
         "المقبلة، بينما حذرت المعارضة من ارتفاع الضرائب."},
        {"fa", "شورای شهر سه"
               "\u200c" /* ZWNJ, spelled out: clang-format cannot measure it */
               "شنبه شب پس از بحثی طولانی درباره حمل و نقل عمومی و مسکن، بودجه جدید را تصویب "
               "کرد. شهردار گفت این طرح در سه سال آینده صدها شغل ایجاد خواهد کرد، در حالی که "
               "مخالفان درباره افزایش مالیات هشدار دادند."},
        {"he", "מועצת העיר אישרה ביום שלישי בערב את התקציב החדש לאחר דיון ארוך על התחבורה "
               "הציבורית והדיור. ראש העיר אמר שהתוכנית תיצור מאות מקומות עבודה בשלוש השנים "
               "הקרובות, ואילו האופוזיציה הזהירה מפני העלאת מסים."},
        {"hi", "नगर परिषद ने मंगलवार शाम को सार्वजनिक परिवहन और आवास पर लंबी बहस के बाद नए बजट को "
               "मंजूरी दे दी। महापौर ने कहा कि इस योजना से अगले तीन वर्षों में सैकड़ों नौकरियां पैदा "
               "होंगी, जबकि विपक्ष ने करों में वृद्धि की चेतावनी दी।"},
        {"th", "สภาเมืองอนุมัติงบประมาณใหม่เมื่อคืนวันอังคาร หลังจากการอภิปรายอย่างยาวนานเกี่ยวกับ"
               "ระบบขนส่งสาธารณะและที่อยู่อาศัย นายกเทศมนตรีกล่าวว่าแผนนี้จะสร้างงานหลายร้อยตำแหน่ง"
               "ในอีกสามปีข้างหน้า ขณะที่ฝ่ายค้านเตือนว่าภาษีอาจเพิ่มขึ้น"},
};
#define N_SAMPLES (sizeof(SAMPLES) / sizeof(SAMPLES[0]))

static int detect(const char *s, const char **lang, double *conf)
{
	return text_detect_lang(s, strlen(s), lang, conf);
}

/* The first sample in this language. */
static const char *sample(const char *lang)
{
	size_t i;

	for (i = 0; i < N_SAMPLES && strcmp(SAMPLES[i].lang, lang); i++)
		;
	assert_true(i < N_SAMPLES);
	return SAMPLES[i].text;
}

/* The first n code points of s, in a new string. */
static char *first_chars(const char *s, int n)
{
	size_t i = 0;
	char *out;

	for (; s[i] && n > 0; n--)
		for (i++; ((unsigned char)s[i] & 0xc0) == 0x80; i++)
			;
	out = malloc(i + 1);
	assert_non_null(out);
	memcpy(out, s, i);
	out[i] = '\0';
	return out;
}

/* The first n space-separated words of s, in a new string. */
static char *first_words(const char *s, int n)
{
	size_t i = 0;
	char *out;

	for (; s[i] && n > 0; i++)
		n -= s[i + 1] == ' ' || !s[i + 1];
	out = malloc(i + 1);
	assert_non_null(out);
	memcpy(out, s, i);
	out[i] = '\0';
	return out;
}

static void test_paragraphs(void **state)
{
	size_t i;

	for (i = 0; i < N_SAMPLES; i++) {
		const char *lang = NULL;
		double conf = 0;

		if (detect(SAMPLES[i].text, &lang, &conf))
			fail_msg("%s sample: no answer", SAMPLES[i].lang);
		if (strcmp(lang, SAMPLES[i].lang) || conf < 0.9 || conf > 1)
			fail_msg("%s sample: %s (%.3f)", SAMPLES[i].lang, lang, conf);
	}
}

/* Every text fixture named "xx-....txt" is in language xx. */
static void test_fixtures(void **state)
{
	const char *dir =
	        getenv("NEWSD_FIXTURES") ? getenv("NEWSD_FIXTURES") : "tests/fixtures/articles";
	DIR *d = opendir(dir);
	struct dirent *e;
	int seen = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[1024], want[3], *buf;
		const char *lang;
		double conf;
		FILE *f;
		long n;

		if (strlen(e->d_name) < 8 || e->d_name[2] != '-' ||
		    strcmp(e->d_name + strlen(e->d_name) - 4, ".txt"))
			continue;
		snprintf(want, sizeof(want), "%.2s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		buf = malloc((size_t)n + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
		buf[n] = '\0';
		fclose(f);
		if (detect(buf, &lang, &conf) || strcmp(lang, want) || conf < 0.9)
			fail_msg("%s: %s", e->d_name, lang ? lang : "no answer");
		free(buf);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 5);
}

/* Too little text: no answer, or a weak one. */
static void test_short(void **state)
{
	static const char *const none[] = {
	        "",
	        "OK",
	        "12345 67890",
	        "!!! ??? ...",
	        "Bonjour le monde",
	        "Hello world",
	        "Привет, мир",
	        "https://example.com/a/b?c=1",
	        "AFP / Reuters",
	};
	static const char *const five_words[] = {
	        "The mayor said on Tuesday",           "Le maire a déclaré mardi",
	        "Der Bürgermeister sagte am Dienstag", "Burmistrz powiedział we wtorek",
	        "Мэр заявил во вторник вечером",
	};
	size_t i;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		const char *lang = "x";
		double conf = 1;

		if (detect(none[i], &lang, &conf) != -ENOENT)
			fail_msg("\"%s\": %s (%.2f)", none[i], lang, conf);
		assert_null(lang);
		assert_true(conf == 0);
	}
	for (i = 0; i < sizeof(five_words) / sizeof(five_words[0]); i++) {
		const char *lang;
		double conf;

		if (!detect(five_words[i], &lang, &conf) && conf >= 0.6)
			fail_msg("\"%s\": %s (%.2f)", five_words[i], lang, conf);
	}
}

/* A long clean text is surer than its first five words. */
static void test_confidence_order(void **state)
{
	size_t i;

	for (i = 0; i < N_SAMPLES; i++) {
		const char *text = SAMPLES[i].text, *lang;
		double full, part = 0;
		char *head;

		if (!strcmp(SAMPLES[i].lang, "th") || !strcmp(SAMPLES[i].lang, "zh") ||
		    !strcmp(SAMPLES[i].lang, "ja"))
			continue; /* no spaces between words */
		head = first_words(text, 5);
		assert_int_equal(detect(text, &lang, &full), 0);
		if (!detect(head, &lang, &part) && part >= full)
			fail_msg("%s: five words %.3f >= paragraph %.3f", SAMPLES[i].lang, part,
			         full);
		free(head);

		/* and the paragraph than its first 40 characters */
		head = first_chars(text, 40);
		if (!detect(head, &lang, &part) && part >= full)
			fail_msg("%s: 40 characters %.3f >= paragraph %.3f", SAMPLES[i].lang, part,
			         full);
		free(head);
	}
}

static void test_mixed(void **state)
{
	static const char fr_quote[] =
	        "Interrogé par la presse à la sortie du conseil, le ministre a cité la formule de "
	        "son homologue britannique, « We will do whatever it takes to protect our farmers "
	        "», avant d'ajouter que la France défendrait ses agriculteurs avec la même fermeté "
	        "lors du prochain sommet européen à Bruxelles, où les discussions sur la politique "
	        "agricole commune doivent reprendre dès la semaine prochaine.";
	static const char en_quote[] =
	        "The minister quoted his French counterpart, « nous ferons tout pour protéger nos "
	        "agriculteurs », and added that the government would defend British farmers just "
	        "as firmly when the talks on agricultural trade resume in Brussels next week, "
	        "according to officials who attended the meeting.";
	static const char zh_brands[] =
	        "苹果公司周二发布了新款iPhone和MacBook，分析人士认为这将帮助"
	        "该公司在中国市场重新获得增长，但价格仍然是消费者最关心的问"
	        "题。";
	static const char ru_pure[] = "Министр заявил, что правительство будет защищать интересы "
	                              "фермеров на переговорах в Брюсселе на следующей неделе.";
	static const char ru_half[] = "Министр заявил, что правительство будет защищать интересы "
	                              "фермеров. The minister said the government would defend "
	                              "farmers at the talks in Brussels next week.";
	const char *lang;
	double conf, pure;

	assert_int_equal(detect(fr_quote, &lang, &conf), 0);
	assert_string_equal(lang, "fr");
	assert_int_equal(detect(en_quote, &lang, &conf), 0);
	assert_string_equal(lang, "en");
	assert_int_equal(detect(zh_brands, &lang, &conf), 0);
	assert_string_equal(lang, "zh");
	assert_true(conf > 0.8);

	/* half Cyrillic, half Latin: whatever the answer, less sure than either */
	assert_int_equal(detect(ru_pure, &lang, &pure), 0);
	assert_string_equal(lang, "ru");
	if (!detect(ru_half, &lang, &conf))
		assert_true(conf < pure && conf < 0.8);
}

/* Scripts decide before n-grams: kana makes Japanese, Hangul Korean; a
 * script no profile writes gets no answer. */
static void test_scripts(void **state)
{
	static const char telugu[] = "తెలుగు ఒక ద్రావిడ భాష. ఇది ఆంధ్ర ప్రదేశ్ మరియు తెలంగాణ "
	                             "రాష్ట్రాల అధికార భాష.";
	const char *lang;
	double conf;

	assert_int_equal(detect("東京都は新しい計画を発表した。", &lang, &conf), 0);
	assert_string_equal(lang, "ja");
	assert_int_equal(detect("北京市政府发布了新的交通计划。", &lang, &conf), 0);
	assert_string_equal(lang, "zh");
	assert_int_equal(detect("서울시는 새로운 교통 계획을 발표했다.", &lang, &conf), 0);
	assert_string_equal(lang, "ko");
	assert_int_equal(detect("Η κυβέρνηση ανακοίνωσε νέα μέτρα.", &lang, &conf), 0);
	assert_string_equal(lang, "el");
	assert_int_equal(detect(telugu, &lang, &conf), -ENOENT);
	assert_null(lang);
}

/* Never read past len; bad bytes are not letters. */
static void test_bounds(void **state)
{
	const char *text = sample("fr"); /* with multi-byte letters */
	size_t n = strlen(text), cut;
	const char *lang;
	double conf;

	for (cut = n - 40; cut < n; cut++) {
		char *exact = malloc(cut); /* no NUL: ASan catches a read past it */

		assert_non_null(exact);
		memcpy(exact, text, cut);
		assert_int_equal(text_detect_lang(exact, cut, &lang, &conf), 0);
		assert_string_equal(lang, "fr");
		free(exact);
	}
	assert_int_equal(
	        text_detect_lang("\xff\xfe\xc3\x28 \xe2\x82 \xf0\x9f\x98", 11, &lang, &conf),
	        -ENOENT);
	assert_int_equal(text_detect_lang(text, 0, &lang, &conf), -ENOENT);
}

/* A long article: only its beginning is sampled, the answer is the same. */
static void test_long(void **state)
{
	const char *pl = sample("pl");
	size_t n = strlen(pl), i;
	char *big = malloc(40 * (n + 1) + 1);
	const char *lang;
	double conf;

	assert_non_null(big);
	for (i = 0; i < 40; i++) {
		memcpy(big + i * (n + 1), pl, n);
		big[i * (n + 1) + n] = ' ';
	}
	big[40 * (n + 1)] = '\0';
	assert_int_equal(detect(big, &lang, &conf), 0);
	assert_string_equal(lang, "pl");
	assert_true(conf > 0.99);
	free(big);
}

struct worker {
	const char *lang[N_SAMPLES];
	double conf[N_SAMPLES];
	int failures;
};

static struct worker baseline;

static void *work(void *arg)
{
	struct worker *w = arg;
	int r;
	size_t i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < N_SAMPLES; i++) {
			const char *lang;
			double conf;
			char *head = first_chars(SAMPLES[i].text, 30 + 10 * r);

			text_detect_lang(head, strlen(head), &lang, &conf);
			free(head);
			if (r == ROUNDS - 1) {
				w->lang[i] = lang;
				w->conf[i] = conf;
			}
			detect(SAMPLES[i].text, &lang, &conf);
			if (lang != baseline.lang[i] || conf != baseline.conf[i])
				w->failures++;
		}
	return NULL;
}

/* Four threads at once give what one thread gives. */
static void test_threads(void **state)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	size_t i;
	int t;

	for (i = 0; i < N_SAMPLES; i++)
		detect(SAMPLES[i].text, &baseline.lang[i], &baseline.conf[i]);
	memset(w, 0, sizeof(w));
	for (t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, work, &w[t]), 0);
	for (t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(th[t], NULL), 0);
		assert_int_equal(w[t].failures, 0);
		for (i = 0; i < N_SAMPLES; i++) {
			assert_ptr_equal(w[t].lang[i], w[0].lang[i]);
			assert_true(w[t].conf[i] == w[0].conf[i]);
		}
	}
}

/* A conf of our own, relative profile paths: only those languages. */
static void test_custom_conf(void **state)
{
	static const char *const langs[] = {"en", "fr", "de"};
	char dir[] = "/tmp/test_langid.XXXXXX", path[256], target[256];
	const char *lang;
	double conf;
	FILE *f;
	size_t i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fpdb.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# three profiles\n\n");
	for (i = 0; i < 3; i++) {
		fprintf(f, "%s.lm  %s--utf8\n", langs[i], langs[i]);
		snprintf(target, sizeof(target), PROFILES "/%s.lm", langs[i]);
		snprintf(path, sizeof(path), "%s/%s.lm", dir, langs[i]);
		assert_int_equal(symlink(target, path), 0);
	}
	fclose(f);

	text_shutdown();
	snprintf(path, sizeof(path), "%s/fpdb.conf", dir);
	assert_int_equal(text_init(path), 0);
	assert_int_equal(detect(sample("fr"), &lang, &conf), 0);
	assert_string_equal(lang, "fr");
	assert_int_equal(detect(sample("ru"), &lang, &conf), -ENOENT);
	text_shutdown();

	/* a profile the conf names is missing */
	snprintf(path, sizeof(path), "%s/de.lm", dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/fpdb.conf", dir);
	assert_int_equal(text_init(path), -ENOENT);
	assert_int_equal(detect(sample("fr"), &lang, &conf), -ENOENT);
	assert_null(lang);
	assert_int_equal(text_init("/nonexistent/fpdb.conf"), -ENOENT);

	assert_int_equal(text_init(NULL), 0);
	assert_int_equal(text_init(NULL), 0);
	assert_int_equal(detect(sample("ru"), &lang, &conf), 0);
	assert_string_equal(lang, "ru");

	assert_int_equal(unlink(path), 0);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.lm", dir, langs[i]);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static int setup(void **state)
{
	return text_init(NULL);
}

static int teardown(void **state)
{
	text_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_paragraphs), cmocka_unit_test(test_fixtures),
	        cmocka_unit_test(test_short),      cmocka_unit_test(test_confidence_order),
	        cmocka_unit_test(test_mixed),      cmocka_unit_test(test_scripts),
	        cmocka_unit_test(test_bounds),     cmocka_unit_test(test_long),
	        cmocka_unit_test(test_threads),    cmocka_unit_test(test_custom_conf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
