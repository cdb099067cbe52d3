"""reader/text/spoken: what each family makes of real text, as a careful reader says it.

One table per family (input, spoken form for an American English voice); British forms
where they differ. The spoken form is the text handed to the G2P: digits stay digits where
misaki reads them right ("14th", "2027"), which tests/test_spoken_audio.py hears.
"""
from __future__ import annotations

import pytest

from reader.text.normalize import clean
from reader.text.spoken import FAMILIES, Reading, speak, spoken_text

MARKUP = {
    "This is **bold** text.": "This is bold text.",
    "This is __bold__ text.": "This is bold text.",
    "An *emphasized* word.": "An emphasized word.",
    "An _emphasized_ word.": "An emphasized word.",
    "A ~~struck~~ word.": "A struck word.",
    "Run `make test` first.": "Run make test first.",
    "Read [the docs](https://kokoro.org/docs) now.": "Read the docs now.",
    "![A cat](cat.png) sleeps.": "A cat sleeps.",
    "# Introduction": "Introduction",
    "## Getting started": "Getting started",
    "- first item": "first item",
    "* second item": "second item",
    "+ third item": "third item",
    "> quoted words": "quoted words",
    "2 * 3 * 4 = 24": "2 * 3 * 4 = 24",
    "Type *exactly* this": "Type exactly this",
    "Edit __init__ now.": "Edit init now.",
    "a continu-\nous line": "a continuous line",
    "pre- and post-war": "pre- and post-war",
    "well-known facts": "well-known facts",
    "it costs 5*3": "it costs 5*3",
}

WEB = {
    "See https://www.kokoro.org/faq for more.": "See kokoro dot org slash faq for more.",
    "Go to http://example.com.": "Go to example dot com.",
    "Visit www.python.org today.": "Visit python dot org today.",
    "Open https://github.com/owner/repo/issues?q=is%3Aopen#top now.":
        "Open github dot com slash owner slash repo slash issues now.",
    "The site kokoro.org/faq helps.": "The site kokoro dot org slash faq helps.",
    "Try example.com, then example.net.": "Try example dot com, then example dot net.",
    "Mail jo.smith@example.com today.": "Mail jo dot smith at example dot com today.",
    "Write to support@kokoro-reader.org.": "Write to support at kokoro reader dot org.",
    "Open /usr/local/bin/kokoro now.": "Open slash usr slash local slash bin slash kokoro now.",
    "Edit ~/notes/todo.txt later.": "Edit home slash notes slash todo dot txt later.",
    "Run ./build.sh first.": "Run build dot sh first.",
    "Yes and/or no.": "Yes and/or no.",
    "The #accessibility tag.": "The hashtag accessibility tag.",
    "Server at localhost:8080/api.": "Server at localhost:8080/api.",
    "Visit https://docs.python.org/3/library/re.html.": "Visit docs dot python dot org slash 3 slash library slash re dot html.",
    "the file setup.py": "the file setup.py",
    "Email me@x": "Email me@x",
    "I did it.In the end": "I did it.In the end",
    "Call me.no one": "Call me.no one",
    "Go to https://kokoro.org:8443/status.": "Go to kokoro dot org port 8443 slash status.",
}

DATES = {
    "On 2027-03-04 we met.": "On March 4th, 2027 we met.",
    "Due 1999-12-31.": "Due December 31st, 1999.",
    "Born 2001-02-29?": "Born February 29th, 2001?",
    "Not 2027-13-04.": "Not 2027-13-04.",
    "Paid on 03/04/2027.": "Paid on March 4th, 2027.",
    "Paid on 13/03/2027.": "Paid on March 13th, 2027.",
    "Paid on 12/25/27.": "Paid on December 25th, 2027.",
    "Tue, 3 Mar 2027": "Tuesday, March 3rd, 2027",
    "Fri 21 Nov 2025 came.": "Friday, November 21st, 2025 came.",
    "On 3 March 2027 it rained.": "On March 3rd, 2027 it rained.",
    "On 22nd of June it rained.": "On 22nd of June it rained.",
    "In 2025 May was warm.": "In 2025 May was warm.",
    "Top 10 March Madness picks.": "Top 10 March Madness picks.",
    "I met Jan 5 times.": "I met Jan 5 times.",
    "Mar 3, 2027": "March 3rd, 2027",
    "Sept. 11, 2001": "September 11th, 2001",
    "It closes on Sept. 15, 2026. We wait.": "It closes on September 15th, 2026. We wait.",
    "On January 1 we start.": "On January 1st we start.",
    "By May 5 please.": "By May 5th please.",
    "In May 2027 we move.": "In May 2027 we move.",
    "On Dec 2nd.": "On December 2nd.",
    "On 5 May.": "On May 5th.",
    "The 2027-03 report.": "The March 2027 report.",
    "Call on Monday, Jan 12": "Call on Monday, January 12th",
}
DATES_BRITISH = {
    "On 2027-03-04 we met.": "On 4th March 2027 we met.",
    "Paid on 03/04/2027.": "Paid on 3rd April 2027.",
    "Paid on 12/25/2027.": "Paid on 25th December 2027.",
    "Tue, 3 Mar 2027": "Tuesday, 3rd March 2027",
    "Mar 3, 2027": "3rd March 2027",
}

TIMES = {
    "At 06:10 the train left.": "At 6 10 the train left.",
    "At 14:30 we eat.": "At 14 30 we eat.",
    "At 14:00 we eat.": "At 14 hundred we eat.",
    "At 8:00 we eat.": "At 8 o'clock we eat.",
    "At 8:05 we eat.": "At 8 oh 5 we eat.",
    "At 23:59:59 it ends.": "At 23 59 it ends.",
    "Open 8am-4pm daily.": "Open 8 AM to 4 PM daily.",
    "Open 8 am - 4 pm daily.": "Open 8 AM to 4 PM daily.",
    "Open 9:00-17:00 daily.": "Open 9 o'clock to 17 hundred daily.",
    "Meet at 7 p.m. tomorrow.": "Meet at 7 PM tomorrow.",
    "Meet at 7 p.m.": "Meet at 7 PM.",
    "Meet at 7:30pm.": "Meet at 7 30 PM.",
    "Meet at 12.30pm today.": "Meet at 12 30 PM today.",
    "Meet at 10AM.": "Meet at 10 AM.",
    "Pi is 3.14 exactly.": "Pi is 3.14 exactly.",
    "John 3:16 says": "John 3 16 says",
    "Meet at 5 or 6.": "Meet at 5 or 6.",
    "At 00:00 exactly.": "At 0 hundred exactly.",
    "At 24:00 exactly.": "At 24 hundred exactly.",
    "Wake at 7:45 am.": "Wake at 7 45 AM.",
}

CURRENCY = {
    "It cost $5.50 today.": "It cost $5.50 today.",
    "Raised €2.5bn last year.": "Raised 2.5 billion euros last year.",
    "A $40k salary.": "A 40 thousand dollar salary.",
    "Worth £3.2m now.": "Worth 3.2 million pounds now.",
    "Only ¥500 each.": "Only 500 yen each.",
    "Only ¥1 each.": "Only 1 yen each.",
    "It is CHF 20.": "It is 20 Swiss francs.",
    "It is 15 USD.": "It is 15 US dollars.",
    "It is 1 EUR.": "It is 1 euro.",
    "It is JPY 300.": "It is 300 yen.",
    "A $1.2 tn economy.": "A 1.2 trillion dollar economy.",
    "Sold for ₹250.": "Sold for 250 rupees.",
    "It is 5 GBP.": "It is 5 pounds.",
    "Costs USD 3bn.": "Costs 3 billion US dollars.",
    "A $5 T-shirt.": "A $5 T-shirt.",
    "A $5 M&M bag.": "A $5 M&M bag.",
}

UNITS = {
    "Drive 100 km today.": "Drive 100 kilometers today.",
    "Drive at 50 km/h.": "Drive at 50 kilometers per hour.",
    "Drive at 30 mph.": "Drive at 30 miles per hour.",
    "Walk 1 km.": "Walk 1 kilometer.",
    "Walk 1.5 km.": "Walk 1.5 kilometers.",
    "Run 5 mi daily.": "Run 5 miles daily.",
    "Weighs 10 kg.": "Weighs 10 kilograms.",
    "Weighs 3 lbs.": "Weighs 3 pounds.",
    "Weighs 1 lb.": "Weighs 1 pound.",
    "Add 5 oz of flour.": "Add 5 ounces of flour.",
    "Add 250 g of sugar.": "Add 250 grams of sugar.",
    "Take 500 mg daily.": "Take 500 milligrams daily.",
    "It is 25°C outside.": "It is 25 degrees Celsius outside.",
    "It is 77 °F outside.": "It is 77 degrees Fahrenheit outside.",
    "It is -5°C outside.": "It is -5 degrees Celsius outside.",
    "Turn 90° left.": "Turn 90 degrees left.",
    "A 2 TB disk.": "A 2 terabyte disk.",
    "A 512GB card.": "A 512 gigabyte card.",
    "At 10 kB/s.": "At 10 kilobytes per second.",
    "At 100 Mbps.": "At 100 megabits per second.",
    "Add 5 ml of oil.": "Add 5 milliliters of oil.",
    "Add 2 tbsp of oil.": "Add 2 tablespoons of oil.",
    "Add 1 tsp of salt.": "Add 1 teaspoon of salt.",
    "Drink 2 l daily.": "Drink 2 liters daily.",
    "A 3.5 GHz CPU.": "A 3.5 gigahertz CPU.",
    "A 60 W bulb.": "A 60 watt bulb.",
    "A 5000 mAh battery.": "A 5000 milliamp hour battery.",
    "Wait 300 ms.": "Wait 300 milliseconds.",
    "Wait 5 min.": "Wait 5 minutes.",
    "Wait 2 h.": "Wait 2 hours.",
    "It is 6 ft tall.": "It is 6 feet tall.",
    "A 100 m sprint.": "A 100 meter sprint.",
    "Area 20 m² here.": "Area 20 square meters here.",
    "The 2x speed.": "The 2x speed.",
    "Model 3 sold.": "Model 3 sold.",
    "Ran 5-10 km.": "Ran 5 to 10 kilometers.",
    "The 1920s were roaring.": "The 1920s were roaring.",
    "She is in her 20s.": "She is in her 20s.",
    "It is 6 ft. tall.": "It is 6 feet tall.",
}

NUMBERS = {
    "Call 555-123-4567 now.": "Call 5 5 5, 1 2 3, 4 5 6 7 now.",
    "Call (555) 123-4567 now.": "Call 5 5 5, 1 2 3, 4 5 6 7 now.",
    "Call +44 20 7946 0958 now.": "Call plus 4 4, 2 0, 7 9 4 6, 0 9 5 8 now.",
    "Call +1 555 123 4567 now.": "Call plus 1, 5 5 5, 1 2 3, 4 5 6 7 now.",
    "Call 555.123.4567 now.": "Call 5 5 5, 1 2 3, 4 5 6 7 now.",
    "Install v2.7 now.": "Install version 2 point 7 now.",
    "Install ver. 3.1 now.": "Install version 3 point 1 now.",
    "Python 3.11.7 is out.": "Python 3 point 11 point 7 is out.",
    "macOS 10.4.3 is old.": "macOS 10 point 4 point 3 is old.",
    "Ping 192.168.0.1 now.": "Ping 192 dot 168 dot 0 dot 1 now.",
    "Add 1/2 cup.": "Add one half cup.",
    "Add 3/4 cup.": "Add 3 quarters cup.",
    "Add 2/3 cup.": "Add 2 thirds cup.",
    "Add 1/8 inch.": "Add one eighth inch.",
    "Add 1 1/2 cups.": "Add 1 and a half cups.",
    "Add 2 3/4 cups.": "Add 2 and 3 quarters cups.",
    "Open 24/7.": "Open 24 7.",
    "Score 7/3 here.": "Score 7/3 here.",
    "Read pages 12-19.": "Read pages 12 to 19.",
    "Read pages 12–19.": "Read pages 12 to 19.",
    "Up 20-30% today.": "Up 20 to 30% today.",
    "From 1990-1995 it grew.": "From 1990 to 1995 it grew.",
    "From 3.5-4.5 it grew.": "From 3.5 to 4.5 it grew.",
    "Use GPT-4 here.": "Use GPT-4 here.",
    "A 16:9 screen.": "A 16 to 9 screen.",
    "Mixed 3:1 with water.": "Mixed 3 to 1 with water.",
    "It is -5 now.": "It is -5 now.",
    "In 2027 it ends.": "In 2027 it ends.",
    "Win 3-2 tonight.": "Win 3 to 2 tonight.",
    "Score 25:30 now": "Score 25 to 30 now",
    "ID 12345678 ok": "ID 12345678 ok",
    "Call 555-1234 now.": "Call 5 5 5, 1 2 3 4 now.",
    "So 10 - 3 = 7.": "So 10 - 3 = 7.",
    "A Boeing 747-400 flew.": "A Boeing 747-400 flew.",
    "ZIP 02134-1234 here.": "ZIP 02134-1234 here.",
    "About 100 000 000 people.": "About 100,000,000 people.",
    "Ask 9/10 dentists.": "Ask 9 out of 10 dentists.",
    "In 2019 1/3 of adults.": "In 2019 one third of adults.",
    "Install v2.7.": "Install version 2 point 7.",
    "Runs version 10.4.3.": "Runs version 10 point 4 point 3.",
    "Drive 5-10 km.": "Drive 5 to 10 kilometers.",
}

ROMAN = {
    "Louis XIV ruled.": "Louis the 14th ruled.",
    "Henry VIII married.": "Henry the 8th married.",
    "Elizabeth II died.": "Elizabeth the 2nd died.",
    "Pope Benedict XVI spoke.": "Pope Benedict the 16th spoke.",
    "Henry V fought.": "Henry the 5th fought.",
    "Elizabeth I.": "Elizabeth the 1st.",
    "Paul I will go.": "Paul I will go.",
    "Super Bowl LVIII was close.": "Super Bowl 58 was close.",
    "Read Part III now.": "Read Part 3 now.",
    "Read Chapter IV now.": "Read Chapter 4 now.",
    "After World War II it changed.": "After World War 2 it changed.",
    "After World War I it changed.": "After World War 1 it changed.",
    "Watch Rocky II tonight.": "Watch Rocky 2 tonight.",
    "Play Final Fantasy VII today.": "Play Final Fantasy 7 today.",
    "In Act V the hero dies.": "In Act 5 the hero dies.",
    "A Type IV error.": "A Type 4 error.",
    "In Class C seats.": "In Class C seats.",
    "I think so.": "I think so.",
    "Send your CV today.": "Send your CV today.",
    "NASA MIX program.": "NASA MIX program.",
    "Apollo XI landed.": "Apollo 11 landed.",
    "Star Wars IV is old.": "Star Wars 4 is old.",
    "Malcolm X spoke.": "Malcolm X spoke.",
    "After the War I moved.": "After the War I moved.",
    "Thanks Mark I appreciate it.": "Thanks Mark I appreciate it.",
    "Robert V. Smith wrote.": "Robert V. Smith wrote.",
    "Love XX forever.": "Love XX forever.",
}

ABBREVIATIONS = {
    "Fruit, e.g. apples.": "Fruit, for example apples.",
    "One thing, i.e. this.": "One thing, that is this.",
    "See cf. the note.": "See compare the note.",
    "Two, viz. these.": "Two, namely these.",
    "Apples, pears, etc.": "Apples, pears, et cetera.",
    "Apples, pears, etc. are fruit.": "Apples, pears, et cetera are fruit.",
    "Ali vs. Frazier.": "Ali versus Frazier.",
    "It is approx. 5 m.": "It is approximately 5 meters.",
    "The Dept. of Energy.": "The Department of Energy.",
    "Read Vol. 3 now.": "Read Volume 3 now.",
    "Sgt. Pepper played.": "Sergeant Pepper played.",
    "John Smith Sr. spoke.": "John Smith Senior spoke.",
    "John Smith Jr. spoke.": "John Smith Junior spoke.",
    "Live on Fifth Ave. now.": "Live on Fifth Avenue now.",
    "Climb Mt. Everest.": "Climb Mount Everest.",
    "Prof. Lee teaches.": "Professor Lee teaches.",
    "Capt. Kirk commands.": "Captain Kirk commands.",
    "Lt. Dan waits.": "Lieutenant Dan waits.",
    "Visit St. Paul tomorrow.": "Visit Saint Paul tomorrow.",
    "I live on Main St.": "I live on Main Street.",
    "Walk down Main St. tonight.": "Walk down Main Street tonight.",
    "See Fig. 2 below.": "See Figure 2 below.",
    "Read pp. 10-12.": "Read pages 10 to 12.",
    "Read p. 7.": "Read page 7.",
    "Acme Inc. grew.": "Acme Incorporated grew.",
    "Acme Ltd. grew.": "Acme Limited grew.",
    "Read Ch. 5 first.": "Read Chapter 5 first.",
    "The Rev. Green.": "The Reverend Green.",
    "The p value.": "The p value.",
    "My St. Bernard dog.": "My Saint Bernard dog.",
    "Press Ctrl+C to copy.": "Press Control+C to copy.",
    "Press Esc to close.": "Press Escape to close.",
    "Lana Del Rey sang.": "Lana Del Rey sang.",
    "Meet at 350 W 42nd St.": "Meet at 350 W 42nd Street.",
    "He lives on Main St. His wife is nice.": "He lives on Main Street. His wife is nice.",
    "See p.5 now.": "See page 5 now.",
    "The Sec. of State spoke.": "The Sec. of State spoke.",
}

CODE = {
    "Call get_user_name first.": "Call get user name first.",
    "Set MAX_RETRIES to 3.": "Set MAX RETRIES to 3.",
    "Edit _private_name now.": "Edit private name now.",
    "Call getElementById now.": "Call get Element By ID now.",
    "Use parseInt here.": "Use parse Int here.",
    "An iPhone app.": "An iPhone app.",
    "Use macOS daily.": "Use macOS daily.",
    "A McDonald's meal.": "A McDonald's meal.",
    "Try JavaScript.": "Try JavaScript.",
    "Use utf8 text.": "Use utf8 text.",
}

TABLES = {"markup": MARKUP, "web": WEB, "dates": DATES, "times": TIMES, "currency": CURRENCY, "units": UNITS,
          "numbers": NUMBERS, "roman": ROMAN, "abbreviations": ABBREVIATIONS, "code": CODE}


def _cases(language: str, tables: dict[str, dict[str, str]]):
    return [pytest.param(language, text, said, id=f"{family}:{text[:30]}")
            for family, table in tables.items() for text, said in table.items()]


@pytest.mark.parametrize(("language", "text", "said"),
                         _cases("en-us", TABLES) + _cases("en-gb", {"dates": DATES_BRITISH}))
def test_spoken_form(language, text, said):
    assert spoken_text(text, language) == said


def test_the_tables_are_big_and_cover_every_family():
    assert set(TABLES) == set(FAMILIES)
    assert sum(len(t) for t in TABLES.values()) + len(DATES_BRITISH) >= 200


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_turned_off_reads_as_written(family):
    """Settings can turn any family off: its rewrites are gone, the others stay."""
    changed = {text: said for text, said in TABLES[family].items() if said != text}
    assert changed
    for text, said in changed.items():
        assert spoken_text(text, "en-us", off=frozenset({family})) != said, text
    assert all(spoken_text(text, "en-us", off=frozenset(FAMILIES)) == clean(text).text for text in TABLES[family])


def test_unclosed_markers_cost_linear_time():
    """An emphasis marker that never closes is not searched for to the end of a long line."""
    import time

    line = "*a " * 20_000
    began = time.perf_counter()
    spoken_text(line)
    took = time.perf_counter() - began
    began = time.perf_counter()
    spoken_text(line[:6_000])
    short = time.perf_counter() - began
    assert took < 20 * short + 0.05  # 10x the text: linear is ~10x, quadratic ~100x


def test_other_languages_get_markup_and_not_the_english_rules():
    assert spoken_text("Le **3/4** du 2027-03-04", "fr") == "Le 3/4 du 4 mars 2027"  # no "3 quarters"


def test_every_spoken_character_keeps_a_span_of_the_users_text():
    text = "Meet at 8am-4pm on 2027-03-04 at https://kokoro.org/faq, call 555-123-4567; Louis XIV."
    ct = speak(clean(text), "en-us")
    assert ct.text == ("Meet at 8 AM to 4 PM on March 4th, 2027 at kokoro dot org slash faq, call "
                       "5 5 5, 1 2 3, 4 5 6 7; Louis the 14th.")
    assert len(ct.origin) == len(ct.origin_end) == len(ct.text)

    def source(word: str) -> str:
        at = ct.text.index(word)
        return text[ct.span(at, at + len(word)).start:ct.span(at, at + len(word)).end]

    assert source("March") == "2027-03-04"  # a new word points at all it came from
    assert source("2027") == "2027-03-04"
    assert source("8") == "8"  # a kept number keeps its own span
    assert source("slash faq") == "https://kokoro.org/faq"
    assert source("Louis") == "Louis XIV"
    assert all(0 <= a < b <= len(text) for a, b in zip(ct.origin, ct.origin_end))


def test_reading_is_what_the_synthesizer_applies():
    reading = Reading("en-us", frozenset({"units"}))
    assert reading(clean("Drive 5 km on 2027-03-04.")).text == "Drive 5 km on March 4th, 2027."


def test_settings_keep_known_families_and_the_cli_checks_them(capsys):
    from reader.cli import build_parser
    from reader.settings.model import from_dict, parse_override, to_dict

    assert from_dict({"read_as_written": ["units", "bogus", "dates"]}).read_as_written == ("dates", "units")
    assert from_dict({"read_as_written": ["all"]}).read_as_written == FAMILIES
    assert from_dict({"read_as_written": "dates"}).read_as_written == ()  # not a list: the default
    assert parse_override("read-as-written", "units, web") == ("read_as_written", ("web", "units"))
    assert to_dict(from_dict({"read_as_written": ["web"]}))["read_as_written"] == ("web",)
    parser = build_parser()
    assert parser.parse_args(["say", "--as-written", "dates,units", "x"]).as_written == ("dates", "units")
    assert parser.parse_args(["say", "--as-written", "all", "x"]).as_written == FAMILIES
    with pytest.raises(SystemExit):
        parser.parse_args(["say", "--as-written", "bogus", "x"])
    assert "unknown bogus" in capsys.readouterr().err
    say_help = next(a for a in parser._subparsers._group_actions[0].choices["say"]._actions
                    if "--as-written" in a.option_strings).help
    assert ", ".join(FAMILIES) in say_help  # the help names every family, in order
