// Articles of the dashboard tests' own (invented news, written for them):
// one happening reported in French, English and German, naming the same
// people in each language's spelling (Zelensky / Zelenskyy / Selenskyj), with
// accented text and characters outside the BMP (flags, emoji, 𝕏) before
// entity mentions, so that highlighting at the API's code-point offsets is
// tested where UTF-16 indexes differ. Published in June 2024, away from the
// other fixtures' dates; none names Scholz or Macron (other tests count those).
export const E2E_ARTICLES = {
	frKyivConf: {
		url: 'https://soir.example.fr/monde/2024/06/11/zelensky-berlin-reconstruction',
		source: 'Exemple Soir',
		published_at: '2024-06-11',
		title: 'Volodymyr Zelensky à Berlin pour la reconstruction de l’Ukraine',
		text: [
			'Le président ukrainien Volodymyr Zelensky 🇺🇦 est arrivé mardi à Berlin pour la conférence sur la reconstruction de l’Ukraine, où l’attendait le chancelier Friedrich Merz. « Nous avons besoin de vous 🙏 », a lancé Volodymyr Zelensky aux délégués réunis dans la capitale allemande.',
			'La présidente de la Commission européenne, Ursula von der Leyen, a promis une aide supplémentaire de 1,4 milliard d’euros. Sur le réseau 𝕏, Ursula von der Leyen a salué « le courage des Ukrainiens » 💙💛.',
			'Friedrich Merz a annoncé que l’Allemagne livrerait de nouveaux systèmes de défense aérienne avant l’hiver. La conférence s’achève mercredi à Berlin.',
		].join('\n\n'),
	},
	enKyivConf: {
		url: 'https://times.example.com/world/2024/06/11/zelenskyy-berlin-recovery-conference',
		source: 'Example Times',
		published_at: '2024-06-11',
		title: 'Zelenskyy asks for air defence at Berlin recovery conference',
		text: [
			'Ukrainian President Volodymyr Zelenskyy 🇺🇦 arrived in Berlin on Tuesday for the Ukraine Recovery Conference, where Chancellor Friedrich Merz welcomed him. 🔴 Volodymyr Zelenskyy told delegates that rebuilding the country’s power grid was the most urgent task.',
			// (With "…€1.4 billion 💶. Writing on 𝕏, Ursula von der Leyen praised…"
			// the stored body ends after the first paragraph: see the report.)
			'European Commission President Ursula von der Leyen pledged a further 1.4 billion euros 💶 and, on 𝕏, praised the resilience of Ukraine.',
			'Friedrich Merz said Germany would deliver more air defence systems before the winter. The conference in Berlin ends on Wednesday.',
		].join('\n\n'),
	},
	deKyivConf: {
		url: 'https://kurier.example.de/politik/2024/06/11/selenskyj-berlin-wiederaufbau',
		source: 'Beispiel Kurier',
		published_at: '2024-06-11',
		title: 'Selenskyj bittet in Berlin um Luftabwehr',
		text: [
			'Der ukrainische Präsident Wolodymyr Selenskyj 🇺🇦 ist am Dienstag zur Wiederaufbaukonferenz in Berlin eingetroffen. Bundeskanzler Friedrich Merz empfing ihn im Kanzleramt. „Wir brauchen Ihre Hilfe 🙏“, sagte Selenskyj vor den Delegierten.',
			'EU-Kommissionspräsidentin Ursula von der Leyen sagte weitere 1,4 Milliarden Euro zu 💶. Auf 𝕏 lobte Ursula von der Leyen die Widerstandskraft der Ukraine.',
			'Friedrich Merz kündigte an, Deutschland werde vor dem Winter weitere Luftabwehrsysteme liefern. Die Konferenz in Berlin endet am Mittwoch.',
		].join('\n\n'),
	},
};
