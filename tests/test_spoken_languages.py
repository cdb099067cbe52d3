"""reader/text/spoken for the languages other than English: their G2P reads plain digits,
so the rules make numbers plain (grouping, decimal signs, signs, ordinals, times, currency
signs). One table per language: input, then the text handed to the G2P."""
from __future__ import annotations

import re

import pytest

from reader.text.normalize import clean
from reader.text.spoken import speak, spoken_text

TABLES = {
    "es": {
        "Pesa 3,5 kilos.": "Pesa 3 coma 5 kilos.",
        "Vinieron 1.500 personas.": "Vinieron 1500 personas.",
        "Un millón: 1.000.000.": "Un millón: 1000000.",
        "Hace -5 grados.": "Hace menos 5 grados.",
        "De 10-12 días.": "De 10 a 12 días.",
        "Mide 3,05 metros.": "Mide 3 coma 0 5 metros.",
        "Vive en el 3.º piso.": "Vive en el tercer piso.",
        "Quedó 3.º.": "Quedó tercero.",
        "Es la 1.ª vez.": "Es la primera vez.",
        "El 1.er día.": "El primer día.",
        "A las 12:30.": "A las 12 y 30.",
        "A las 9:00.": "A las 9 en punto.",
        "Cuesta 20 €.": "Cuesta 20 euros.",
        "Cuesta €1.": "Cuesta 1 euro.",
        "Son 1.500,50 €.": "Son 1500 euros con 50.",
        "Son US$ 30.": "Son 30 dólares.",
        "Nació en 1999.": "Nació en 1999.",
        "Páginas 10 - 20.": "Páginas 10 - 20.",
        "El 1.º de mayo.": "El primero de mayo.",
        "Cuesta 0,99 €.": "Cuesta 99 céntimos.",
        "El 50 % votó.": "El 50 % votó.",
        "Llega el 04/03/2027.": "Llega el 4 de marzo de 2027.",
        "Desde el 2027-03-15.": "Desde el 15 de marzo de 2027.",
        "El 1/3/27 cierra.": "El 1 de marzo de 2027 cierra.",
        "Tiene 20-30 años.": "Tiene 20 a 30 años.",
        "Entre 1990-1995 vivió allí.": "Entre 1990 y 1995 vivió allí.",
        "Mide 3,5-4,5 m.": "Mide 3 coma 5 a 4 coma 5 metros.",
        "Corre a 12 km/h.": "Corre a 12 kilómetros por hora.",
        "Anduvo 1 km.": "Anduvo un kilómetro.",
        "Tardó 1 h y 5 min.": "Tardó una hora y 5 minutos.",
        "Pesa 70 kg.": "Pesa 70 kilos.",
        "Hace 25 °C.": "Hace 25 grados.",
        "Ocupa 5 GB.": "Ocupa 5 gigabytes.",
        "Tiene 80 m² útiles.": "Tiene 80 metros cuadrados útiles.",
        "El Sr. García llegó.": "El señor García llegó.",
        "La Dra. López opera.": "La doctora López opera.",
        "Frutas, p. ej. peras.": "Frutas, por ejemplo peras.",
        "Vea la pág. 5.": "Vea la página 5.",
        "Llame al tel. 5.": "Llame al teléfono 5.",
        "Peras, uvas, etc.": "Peras, uvas, etcétera.",
        "Vive en EE. UU. Ahora.": "Vive en Estados Unidos. Ahora.",
        "¿Viene Ud. mañana?": "¿Viene usted mañana?",
        "Llegó el Sr.": "Llegó el señor.",
        "Compré uvas, etc. ¿Quieres?": "Compré uvas, etcétera. ¿Quieres?",
        "El art. 5.º dice.": "El artículo quinto dice.",
        "Ver n.º5.": "Ver número 5.",
        "Pág. 5.": "Página 5.",
        "Voy a comprar 3 L. Luego.": "Voy a comprar 3 litros. Luego.",
        "Tardó 21 h.": "Tardó veintiuna horas.",
        "Tardó 21 min.": "Tardó veintiún minutos.",
        "Hace -1 °C.": "Hace menos un grado.",
        "Tardó 1 h 30 min.": "Tardó una hora y 30 minutos.",
        "Del 10-12 de mayo.": "Del 10 al 12 de mayo.",
        "Llámame al 555-1234.": "Llámame al 555-1234.",
        "Python 3.11.20 salió.": "Python 3.11.20 salió.",
        "Ver la sección 3.1.12.": "Ver la sección 3.1.12.",
        "El 31/02/2027.": "El 31/02/2027.",
        "El Sol está a 149,600,000 km.": "El Sol está a 149,600,000 kilómetros.",
        "RUT 12.345.678-9.": "RUT 12345678-9.",
    },
    "fr": {
        "Il pèse 3,5 kilos.": "Il pèse 3 virgule 5 kilos.",
        "Il y avait 1 500 personnes.": "Il y avait 1500 personnes.",
        "Il fait -5 degrés.": "Il fait moins 5 degrés.",
        "Au 3e étage.": "Au troisième étage.",
        "La 1re fois.": "La première fois.",
        "Le 2ème jour.": "Le deuxième jour.",
        "Le 1er mai.": "Le premier mai.",
        "À 12h30.": "À 12 heures 30.",
        "À 14h.": "À 14 heures.",
        "À 1h.": "À une heure.",
        "À 9:05.": "À 9 heures 5.",
        "Ça coûte 20 €.": "Ça coûte 20 euros.",
        "Ça coûte 3,50 €.": "Ça coûte 3 euros 50.",
        "Le score : 3 - 2.": "Le score : 3 - 2.",
        "Le 04/03/2027 à Paris.": "Le 4 mars 2027 à Paris.",
        "Le 01/05/2027.": "Le premier mai 2027.",
        "Pages 12-19.": "Pages 12 à 19.",
        "Entre 1990-1995.": "Entre 1990 et 1995.",
        "Il roule à 90 km/h.": "Il roule à 90 kilomètres heure.",
        "Il a couru 1,5 km.": "Il a couru 1 virgule 5 kilomètre.",
        "Il reste 1 min.": "Il reste une minute.",
        "Il fait 25 °C.": "Il fait 25 degrés.",
        "Un disque de 500 Go.": "Un disque de 500 gigaoctets.",
        "Il pèse 3 kg.": "Il pèse 3 kilos.",
        "À 21 h.": "À vingt et une heures.",
        "M. Dupont est là.": "monsieur Dupont est là.",
        "Alors Jean M. Dupont vint.": "Alors Jean M. Dupont vint.",
        "Me Durand plaide.": "maître Durand plaide.",
        "Me voici.": "Me voici.",
        "Au n° 5.": "Au numéro 5.",
        "Des fruits, p. ex. des poires.": "Des fruits, par exemple des poires.",
        "Pommes, poires, etc.": "Pommes, poires, et cetera.",
        "Le 3e, c.-à-d. le dernier.": "Le troisième, c'est-à-dire le dernier.",
        "Bonjour M. Dupont.": "Bonjour monsieur Dupont.",
        "Mais Me Durand plaide.": "Mais maître Durand plaide.",
        "Merci Dr Watson.": "Merci docteur Watson.",
        "Je prends la taille M.": "Je prends la taille M.",
        "Il a 21 min.": "Il a vingt et une minutes.",
        "Il a mis 2 h 15 min.": "Il a mis 2 heures 15 minutes.",
        "Il a mis 36 h.": "Il a mis 36 heures.",
        "Appelez le 06-12-34-56-78.": "Appelez le 06-12-34-56-78.",
        "Le n°5.": "Le numéro 5.",
    },
    "it": {
        "Pesa 3,5 chili.": "Pesa 3 virgola 5 chili.",
        "Erano 1.500 persone.": "Erano 1500 persone.",
        "Fa -5 gradi.": "Fa meno 5 gradi.",
        "Al 3º piano.": "Al terzo piano.",
        "La 3ª volta.": "La terza volta.",
        "Alle 12:30.": "Alle 12 e 30.",
        "Costa 20 €.": "Costa 20 euro.",
        "Costa 2,05 €.": "Costa 2 euro e 5.",
        "Il 04/03/2027 a Roma.": "Il 4 marzo 2027 a Roma.",
        "Il 1.3.2027.": "Il primo marzo 2027.",
        "Pagine 12-19.": "Pagine 12 a 19.",
        "Tra 1990-1995.": "Tra 1990 e 1995.",
        "Va a 50 km/h.": "Va a 50 chilometri orari.",
        "Dura 1 h.": "Dura un'ora.",
        "Corre 1 km.": "Corre un chilometro.",
        "Pesa 3 kg.": "Pesa 3 chili.",
        "Il Sig. Rossi arriva.": "Il signor Rossi arriva.",
        "La Dott.ssa Bianchi.": "La dottoressa Bianchi.",
        "Mele, pere, ecc.": "Mele, pere, eccetera.",
        "Vedi pag. 5.": "Vedi pagina 5.",
        "Frutta, p. es. pere.": "Frutta, per esempio pere.",
        "Dura 1 h 30 min.": "Dura un'ora e 30 minuti.",
    },
    "pt-br": {
        "Pesa 3,5 quilos.": "Pesa 3 vírgula 5 quilos.",
        "Eram 1.500 pessoas.": "Eram 1500 pessoas.",
        "A 1ª vez.": "A primeira vez.",
        "O 3º lugar.": "O terceiro lugar.",
        "Às 12h30.": "Às 12 e 30.",
        "Às 14h.": "Às 14 horas.",
        "À 1h.": "À uma hora.",
        "Custa R$ 20.": "Custa 20 reais.",
        "Custa R$ 1.": "Custa 1 real.",
        "Custa R$ 3,99.": "Custa 3 reais e 99.",
        "Custa R$ 1.500,00.": "Custa 1500 reais.",
        "Em 25/12/2026.": "Em 25 de dezembro de 2026.",
        "Em 01/01/2027.": "Em primeiro de janeiro de 2027.",
        "De 12-19 anos.": "De 12 a 19 anos.",
        "Corre a 60 km/h.": "Corre a 60 quilômetros por hora.",
        "Dura 2 h.": "Dura duas horas.",
        "Às 21h.": "Às vinte e uma horas.",
        "Anda 1 km.": "Anda um quilômetro.",
        "Pesa 3 kg.": "Pesa 3 quilos.",
        "Faz 30 °C.": "Faz 30 graus.",
        "O Sr. Silva chegou.": "O senhor Silva chegou.",
        "A Dra. Souza opera.": "A doutora Souza opera.",
        "Na Av. Paulista.": "Na avenida Paulista.",
        "Frutas, p. ex. peras.": "Frutas, por exemplo peras.",
        "Maçãs, peras, etc.": "Maçãs, peras, etcétera.",
        "Veja a pág. 5.": "Veja a página 5.",
        "O art. 5º da lei.": "O artigo quinto da lei.",
        "Às 21h30.": "Às vinte e uma e 30.",
        "Dura 1 h 30 min.": "Dura uma hora e 30 minutos.",
        "Andou 32 h.": "Andou trinta e duas horas.",
        "Ligue (11) 3456-7890.": "Ligue (11) 3456-7890.",
        "Peço a V. Exa.": "Peço a vossa excelência.",
        "CPF 123.456.789-09.": "CPF 123456789-09.",
    },
    "hi": {
        "1,00,000 लोग आए।": "100000 लोग आए।",
        "3.5 किलो है।": "3 दशमलव 5 किलो है।",
        "3.14 मीटर।": "3 दशमलव 1 4 मीटर।",
        "तापमान -5 है।": "तापमान माइनस 5 है।",
        "12:30 बजे मिलो।": "12 बजकर 30 मिनट मिलो।",
        "9:00 पर।": "9 बजे पर।",
        "दाम ₹20 है।": "दाम 20 रुपये है।",
        "दाम ₹1 है।": "दाम 1 रुपया है।",
        "दाम Rs. 500 है।": "दाम 500 रुपये है।",
        "दिनांक 04/03/2027 को।": "दिनांक 4 मार्च 2027 को।",
        "12-19 साल।": "12 से 19 साल।",
        "5 km दूर है।": "5 किलोमीटर दूर है।",
        "1 h लगेगा।": "1 घंटा लगेगा।",
        "डॉ. शर्मा आए।": "डॉक्टर शर्मा आए।",
        "सूर्य 14,96,00,000 km दूर है।": "सूर्य 149600000 किलोमीटर दूर है।",
    },
    "ja": {
        "1,000円です。": "1000円です。",
        "3.5キロです。": "3点5キロです。",
        "3.14です。": "3点1 4です。",
        "-5度です。": "マイナス5度です。",
        "50%です。": "50パーセントです。",
        "12時30分です。": "じゅうにじ さんじゅっぷんです。",
        "4時です。": "よじです。",
        "9時です。": "くじです。",
        "7:03です。": "しちじ さんぷんです。",
        "10時10分です。": "じゅうじ じゅっぷんです。",
        "1時1分です。": "いちじ いっぷんです。",
        "¥2000です。": "2000円です。",
        "$20です。": "20ドルです。",
        "2024年3月です。": "2024年さんがつです。",
        "12月24日です。": "じゅうにがつ にじゅうよっかです。",
        "第3月曜日です。": "第3月曜日です。",
        "2027/03/04に会います。": "2027年 さんがつ よっかに会います。",
        "会議は2027-3-4です。": "会議は2027年 さんがつ よっかです。",
    },
    "zh": {
        "1,000元。": "1000元。",
        "负数-5度。": "负数负5度。",
        "3.5公斤。": "3.5公斤。",
        "1,000.5元。": "1000.5元。",
        "12:30见。": "12点30分见。",
        "9:05见。": "9点零5分见。",
        "9:00见。": "9点见。",
        "¥20。": "20元。",
        "$5。": "5美元。",
        "2027-03-04见。": "2027年3月4日见。",
        "2027/3/4见。": "2027年3月4日见。",
    },
}


@pytest.mark.parametrize(("language", "text", "said"),
                         [pytest.param(lang, t, s, id=f"{lang}:{t[:24]}") for lang, table in TABLES.items()
                          for t, s in table.items()])
def test_spoken_form(language, text, said):
    assert spoken_text(text, language) == said


def test_english_rules_stay_english_and_other_rules_stay_out_of_english():
    assert spoken_text("It weighs 3,5 kg at 12:30 for €20.", "en-us") != spoken_text(
        "It weighs 3,5 kg at 12:30 for €20.", "es")
    assert spoken_text("Vinieron 1.500 personas.", "en-us") == "Vinieron 1.500 personas."
    assert spoken_text("the 3e step", "en-us") == "the 3e step"


def test_long_runs_of_numbers_cost_linear_time():
    """A pasted table: 8000 numbers in one sentence, in every language (a currency rule once
    took 5-8 s on it)."""
    import time

    line = " ".join(["1234"] * 8000)
    for language in TABLES:
        began = time.perf_counter()
        spoken_text(line[:5 * 800], language)
        short = time.perf_counter() - began
        began = time.perf_counter()
        spoken_text(line, language)
        assert time.perf_counter() - began < 20 * short + 0.05, language  # 10x the text: ~10x


def test_every_spoken_character_keeps_a_span_of_the_users_text():
    text = "Son 1.500,50 € a las 12:30, el 3.º piso."
    ct = speak(clean(text), "es")
    assert ct.text == "Son 1500 euros con 50 a las 12 y 30, el tercer piso."
    assert len(ct.origin) == len(ct.origin_end) == len(ct.text)
    spans = {ct.text[i]: (ct.origin[i], ct.origin_end[i]) for i in range(len(ct.text)) if ct.text[i] in "5"}
    assert text[slice(*spans["5"])] in "1.500,50 €"
    tercer = ct.text.index("tercer")
    assert text[ct.origin[tercer]:ct.origin_end[tercer]] == "3.º"


_DIGITS_OR_SIGNS = re.compile(r"[0-9%€$¥₹]")


@pytest.mark.parametrize("language", sorted(TABLES))
def test_the_g2p_reads_every_spoken_form_without_digits_or_signs(language):
    """What the rules hand over, the language's G2P turns into phonemes only: no digit,
    percent or currency sign is left for Kokoro to skip."""
    from reader.text.g2p import G2PBank

    bank = G2PBank()
    for text in TABLES[language]:
        phonemes = bank.phonemize(spoken_text(text, language), language).text
        assert not _DIGITS_OR_SIGNS.search(phonemes), (text, phonemes)


def test_japanese_times_are_read_with_the_counts_sounds():
    """misaki's Japanese reads 4時 as "yon toki" and 1時1分 as "ichi ji ichi fun": the rule
    hands it the readings ("yoji", "ippun")."""
    from reader.text.g2p import G2PBank

    bank = G2PBank()
    said = {t: bank.phonemize(spoken_text(t, "ja"), "ja").text for t in ("4時です。", "1時1分です。", "12時30分です。")}
    assert said["4時です。"].startswith("joʥi"), said
    assert said["1時1分です。"].replace(" ", "").startswith("iʨiʥiiʔpɯɴ"), said
    assert said["12時30分です。"].replace(" ", "").startswith("ʥɨːɲiʥisaɴʥɨʔpɯɴ"), said


@pytest.mark.parametrize(("text", "count"), [
    ("El Sr. García llegó. La Sra. López también.", 2), ("Vive en EE. UU. desde 2020. Trabaja.", 2),
    ("Vea la pág. 5 del libro. Gracias.", 2), ("M. Dupont est là. MM. Durand aussi.", 2),
    ("Il Sig. Rossi e la Dott.ssa Bianchi. Poi.", 2), ("O Sr. Silva chegou. A Dra. Souza também.", 2),
    ("The screw is 5 mm. Then it broke.", 2), ("Who did it? Me. I did it.", 3), ("Plan a. Then plan b.", 2),
    ("He wears a cap. 3 of them.", 2), ("Algunos países, p. ej. España, lo hacen. Otros no.", 2),
    ("No sé qué es. Luego vino.", 2), ("Compré uvas, etc. ¿Quieres algo?", 2)])
def test_titles_of_every_language_do_not_end_a_sentence(text, count):
    """The splitter knows the titles the rules read ("Sr." before a name); "mm." (not
    "MM.", messieurs) still ends one."""
    from reader.text.split import sentences

    assert len(list(sentences(text))) == count
