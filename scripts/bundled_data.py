"""Bundled data for the project's workbook, extracted from the five seed articles.

Every fact here comes from the five articles the Sources sheet names (docs/workbook.md
cites them: outlet, title, date, address); the
only additions are native-script spellings (Hangul, Kanji) of Korean and Japanese names.
``SHEETS`` maps each contract sheet name to its rows; each row is a dict keyed by the
contract's column names (docs/workbook.md).

Extra columns (allowed by the contract, kept as ``extra``):
- ``evidence``: a verbatim excerpt (5-40 words) from one of the articles the row's
  ``sources`` names, supporting the row. Present on every row except in Sources.
- ``sources`` on Actors and Issues: the articles in which they appear.
- ``notes`` / ``authors`` on Sources.

Conventions for dates the articles do not give exactly:
- Relative days resolve against the article's own date (22 Nov 2019 was a Friday; the
  Korea Herald piece is dated 11 Nov 2019, so its "Sunday" is 10 Nov, its past
  "Thursday" 7 Nov, its coming "Thursday"/"Friday" 14/15 Nov).
- Events only where the day is stated or derivable. Undated happenings (the WTO complaint
  filed in September 2019, the December 2018 radar incident, the July 2019 trade-officials
  meeting, the South Korean poll "last week", the row over the wording of METI's
  announcement and METI's tweet, the post-suspension foreign ministers' meeting) are
  mentioned in the summaries of other rows, never given an invented day.
- NHK World (nhk-explainer) and PacNet #68 (pacnet-68) carry no date. Their judgments,
  and positions they report in the present tense without a day, use as_of = 2019-11-25,
  a lower bound: NHK calls Friday 22 Nov "last week", so it was written on or after
  Monday 25 Nov; PacNet refers to the foreign ministers' meeting that followed the
  22 Nov suspension and to the export-control policy dialogue as already held, so it
  too was written after 22 Nov (the seeds README dates it December 2019). The real
  dates may be later.
- Positions the Japan Times, Kyodo or Korea Herald report without a day use the
  article's date (22 Nov, 22 Nov, 11 Nov 2019): the stance held as of that date.
- Outlook items seen from the Korea Herald on 11 Nov 2019 (the Security Consultative
  Meeting, ADMM, the G20 foreign ministers' meeting, GSOMIA's 23 Nov expiry) are kept
  as that article saw them and marked "(as seen on 11 Nov)". Outlook dates are filled
  only when an article gives the day; North Korea's "yearend deadline" is 2019-12-31.
"""

from datetime import date

# ============================================================================
# Sources
# ============================================================================
SOURCES: list[dict] = [
    {
        "source_id": "nhk-explainer", "outlet": "NHK World",
        "title": "What comes after S. Korea reverses decision to end GSOMIA?", "url": None,
        "published": None, "kind": "news",
        "notes": (
            "Late November 2019; the text gives no exact day. It calls 22 Nov 'last week', so it "
            "was written on or after Monday 25 Nov 2019. Seed file 000."
        ),
    },
    {
        "source_id": "japantimes-about-face", "outlet": "The Japan Times",
        "title": "Seoul's last-minute about-face on GSOMIA", "url": None,
        "published": date(2019, 11, 22), "kind": "news",
        "notes": (
            "The text carries no headline; this title is descriptive, taken from the article's "
            "first sentence. Seed file 001."
        ),
    },
    {
        "source_id": "kyodo-reversal",
        "outlet": "Kyodo News (via Supply Chain Council of European Union)",
        "title": "South Korea reverses decision to terminate intel-sharing pact with Japan",
        "url": None, "published": date(2019, 11, 22), "kind": "news",
        "notes": "Ends with Kyodo's dated GSOMIA chronology 2012-2019. Seed file 002.",
    },
    {
        "source_id": "pacnet-68", "outlet": "Pacific Forum",
        "title": (
            "PacNet #68 – Resetting ties between Japan and South Korea after the GSOMIA extension"
        ),
        "url": None, "published": None, "kind": "analysis",
        "authors": "Daichi Uchimura and Saeme Kim",
        "notes": "December 2019; the text gives no exact day. Seed file 003.",
    },
    {
        "source_id": "korea-herald-chung", "outlet": "The Korea Herald (via Asia News Network)",
        "title": (
            "S. Korea open to settling spat with Japan over intel-sharing pact if relations improve"
        ),
        "url": None, "published": date(2019, 11, 11), "kind": "news",
        "notes": "Dated 'Updated: November 11, 2019'. Seed file 004.",
    },
]

# ============================================================================
# Actors
# ============================================================================
ACTORS: list[dict] = [
    # --- people: South Korea
    {
        "actor_id": "moon-jae-in", "name": "Moon Jae-in", "native_name": "문재인", "country": "KOR",
        "kind": "person", "title": "President of South Korea",
        "affiliation": "Blue House (Cheong Wa Dae)", "notes": "Also spelled Moon Jae In (Kyodo).",
        "sources": ["nhk-explainer", "kyodo-reversal", "pacnet-68", "korea-herald-chung"],
        "evidence": (
            "At a town hall meeting Tuesday, President Moon Jae In said it is difficult to share "
            "military information with a country that regards his own as an unreliable security "
            "partner."
        ),
    },
    {
        "actor_id": "kim-you-geun", "name": "Kim You-geun", "native_name": "김유근",
        "country": "KOR", "kind": "person", "title": "Deputy Director, National Security Office",
        "affiliation": "Blue House (Cheong Wa Dae)", "notes": "Also spelled Kim You Geun (Kyodo).",
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "Kim You-geun, the deputy director of the South Korean presidential national security "
            "office"
        ),
    },
    {
        "actor_id": "chung-eui-yong", "name": "Chung Eui-yong", "native_name": "정의용",
        "country": "KOR", "kind": "person", "title": "Chief, National Security Office",
        "affiliation": "Blue House (Cheong Wa Dae)",
        "notes": "Described as President Moon's top security adviser.",
        "sources": ["korea-herald-chung"],
        "evidence": (
            "Chung Eui-yong, chief of Cheong Wa Dae’s National Security Office, laid the blame on "
            "Japan for the strained relations"
        ),
    },
    {
        "actor_id": "kang-kyung-wha", "name": "Kang Kyung-wha", "native_name": "강경화",
        "country": "KOR", "kind": "person", "title": "Foreign Minister of South Korea",
        "affiliation": "Government of South Korea", "notes": "Also spelled Kang Kyung Hwa (Kyodo).",
        "sources": ["nhk-explainer", "kyodo-reversal", "korea-herald-chung"],
        "evidence": (
            "during a phone call with South Korean Foreign Minister Kang Kyung-wha on Thursday in "
            "Seoul"
        ),
    },
    {
        "actor_id": "jeong-kyeong-doo", "name": "Jeong Kyeong-doo", "native_name": "정경두",
        "country": "KOR", "kind": "person", "title": "Minister of Defense of South Korea",
        "affiliation": "Government of South Korea",
        "notes": "Also spelled Jeong Kyeong Doo (Kyodo).",
        "sources": ["kyodo-reversal", "pacnet-68", "korea-herald-chung"],
        "evidence": (
            "ROK Minister of Defense Jeong Kyeong-doo said that information sharing is not carried "
            "out in real-time"
        ),
    },
    {
        "actor_id": "national-assembly-speaker",
        "name": "Speaker of South Korea's National Assembly", "native_name": "국회의장",
        "country": "KOR", "kind": "person", "title": "Speaker of the National Assembly",
        "affiliation": "National Assembly of South Korea",
        "notes": "Not named in the articles; native_name is the title of the office.",
        "sources": ["nhk-explainer"],
        "evidence": (
            "The speaker of South Korea's National Assembly has outlined a plan to set up a new "
            "fund"
        ),
    },
    # --- people: Japan
    {
        "actor_id": "shinzo-abe", "name": "Shinzo Abe", "native_name": "安倍晋三", "country": "JPN",
        "kind": "person", "title": "Prime Minister of Japan", "affiliation": "Government of Japan",
        "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "Speaking to reporters in Tokyo, Japanese Prime Minister Shinzo Abe said Seoul had "
            "apparently made a “strategic” decision at the last minute."
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "name": "Toshimitsu Motegi", "native_name": "茂木敏充",
        "country": "JPN", "kind": "person", "title": "Foreign Minister of Japan",
        "affiliation": "Government of Japan",
        "sources": ["nhk-explainer", "japantimes-about-face", "korea-herald-chung"],
        "evidence": (
            "Japanese Foreign Minister Toshimitsu Motegi said on Saturday that bilateral ties will "
            "suffer even further if those assets are sold."
        ),
    },
    {
        "actor_id": "taro-kono", "name": "Taro Kono", "native_name": "河野太郎", "country": "JPN",
        "kind": "person", "title": "Defense Minister of Japan",
        "affiliation": "Government of Japan",
        "sources": ["japantimes-about-face", "kyodo-reversal", "korea-herald-chung"],
        "evidence": (
            "Defense Minister Taro Kono told a news conference on Friday before Seoul’s surprise "
            "announcement."
        ),
    },
    {
        "actor_id": "yoshihide-suga", "name": "Yoshihide Suga", "native_name": "菅義偉",
        "country": "JPN", "kind": "person",
        "title": "Chief Cabinet Secretary (top government spokesman)",
        "affiliation": "Government of Japan", "sources": ["kyodo-reversal", "korea-herald-chung"],
        "evidence": (
            "Japan’s Chief Cabinet Secretary Yoshihide Suga asserted that Japan’s export "
            "restrictions and GSOMIA are two separate issues of different dimensions."
        ),
    },
    {
        "actor_id": "yoichi-iida", "name": "Yoichi Iida", "native_name": "飯田陽一",
        "country": "JPN", "kind": "person", "title": "Director-General, Trade Control Department",
        "affiliation": "Ministry of Economy, Trade and Industry (METI)",
        "sources": ["japantimes-about-face"],
        "evidence": (
            "Yoichi Iida, the director-general of the trade control department at the Ministry of "
            "Economy, Trade and Industry"
        ),
    },
    # --- people: United States
    {
        "actor_id": "mark-esper", "name": "Mark Esper", "country": "USA", "kind": "person",
        "title": "US Secretary of Defense", "affiliation": "Pentagon",
        "sources": ["nhk-explainer", "kyodo-reversal", "pacnet-68", "korea-herald-chung"],
        "evidence": (
            "top US military officials, including Secretary of Defense Mark Esper and the Chairman "
            "of the Joint Chiefs of Staff Mark Milley, visited South Korea"
        ),
    },
    {
        "actor_id": "mark-milley", "name": "Mark Milley", "country": "USA", "kind": "person",
        "title": "Chairman of the Joint Chiefs of Staff", "affiliation": "Pentagon",
        "sources": ["nhk-explainer"],
        "evidence": (
            "the Chairman of the Joint Chiefs of Staff Mark Milley, visited South Korea to meet "
            "with their counterparts"
        ),
    },
    {
        "actor_id": "mike-pompeo", "name": "Mike Pompeo", "country": "USA", "kind": "person",
        "title": "US Secretary of State", "affiliation": "US State Department",
        "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "US Secretary of State Mike Pompeo also urged South Korea to continue the pact during "
            "a phone call"
        ),
    },
    {
        "actor_id": "donald-trump", "name": "Donald Trump", "country": "USA", "kind": "person",
        "title": "President of the United States", "affiliation": "US administration",
        "sources": ["kyodo-reversal"],
        "evidence": (
            "with the U.S. Congress joining the administration of President Donald Trump in "
            "stressing the importance of GSOMIA"
        ),
    },
    {
        "actor_id": "jonathan-hoffman", "name": "Jonathan Hoffman", "country": "USA",
        "kind": "person", "title": "Pentagon spokesman", "affiliation": "Pentagon",
        "sources": ["korea-herald-chung"],
        "evidence": "Pentagon spokesman Jonathan Hoffman said during a briefing Thursday.",
    },
    # --- bodies: South Korea
    {
        "actor_id": "rok-government", "name": "Government of South Korea",
        "native_name": "대한민국 정부", "country": "KOR", "kind": "government",
        "title": "Moon Jae-in administration", "notes": "'Seoul' in the articles.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "announced that the South Korean government decided to conditionally suspend its "
            "notice to end GSOMIA with Japan"
        ),
    },
    {
        "actor_id": "blue-house", "name": "Blue House (presidential office)",
        "native_name": "청와대", "country": "KOR", "kind": "agency",
        "title": "Office of the President, incl. the National Security Office",
        "notes": (
            "Also called Cheong Wa Dae (Korea Herald) and 'the presidential office'. Unnamed "
            "'senior presidential officials' quoted by NHK and Kyodo are filed here."
        ),
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "an official from South Korea’s presidential office said the suspension of the "
            "complaint would remain in force"
        ),
    },
    {
        "actor_id": "rok-nsc", "name": "National Security Council of South Korea",
        "native_name": "국가안전보장회의", "country": "KOR", "kind": "agency",
        "sources": ["kyodo-reversal"],
        "evidence": (
            "South Korea’s National Security Council discusses pending issues with Japan, "
            "including ways to deal with “various situations.”"
        ),
    },
    {
        "actor_id": "rok-supreme-court", "name": "Supreme Court of South Korea",
        "native_name": "대법원", "country": "KOR", "kind": "agency",
        "notes": "Kind 'agency' for want of a court value in the contract enum.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "korea-herald-chung",
        ],
        "evidence": (
            "The Supreme Court of South Korea orders a Japanese firm to pay compensation for "
            "wartime labor."
        ),
    },
    {
        "actor_id": "south-korean-public", "name": "South Korean public", "country": "KOR",
        "kind": "public",
        "notes": (
            "NHK: a poll last week (no day given) showed more than 50 percent backed the decision "
            "to terminate GSOMIA."
        ),
        "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "A poll conducted in South Korea last week showed that more than 50 percent of "
            "respondents agreed with the government's decision to terminate GSOMIA."
        ),
    },
    {
        "actor_id": "labor-plaintiffs", "name": "Wartime-labour plaintiffs", "country": "KOR",
        "kind": "public",
        "notes": (
            "South Koreans who say they were forced to work for Japanese companies during World "
            "War Two."
        ),
        "sources": ["nhk-explainer"],
        "evidence": (
            "The plaintiffs have begun procedures to sell assets seized from the companies."
        ),
    },
    {
        "actor_id": "yonhap", "name": "Yonhap News Agency", "native_name": "연합뉴스",
        "country": "KOR", "kind": "media", "sources": ["japantimes-about-face"],
        "evidence": (
            "the Yonhap news agency quoted Kim You-geun, deputy director of the presidential Blue "
            "House’s national security office"
        ),
    },
    # --- bodies: Japan
    {
        "actor_id": "japan-government", "name": "Government of Japan", "native_name": "日本国政府",
        "country": "JPN", "kind": "government", "notes": "'Tokyo' in the articles.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": "The Japanese government says GSOMIA and trade control are separate issues.",
    },
    {
        "actor_id": "meti", "name": "Ministry of Economy, Trade and Industry (METI)",
        "native_name": "経済産業省", "country": "JPN", "kind": "ministry",
        "notes": "'Japan's trade ministry' in the articles.",
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "the Japanese trade ministry announced it will resume talks between export control "
            "officials of the two countries"
        ),
    },
    {
        "actor_id": "japanese-firms", "name": "Japanese companies sued over wartime labour",
        "country": "JPN", "kind": "company", "notes": "Not named in the articles.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "korea-herald-chung",
        ],
        "evidence": (
            "South Korea’s Supreme Court ordered Japanese firms to pay compensation for wartime "
            "forced labor"
        ),
    },
    # --- bodies: United States
    {
        "actor_id": "us-government", "name": "US government (Trump administration)",
        "country": "USA", "kind": "government", "notes": "'Washington' in the articles.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "korea-herald-chung",
        ],
        "evidence": (
            "Washington demanded that Seoul renew the pact, which is widely regarded as a symbol "
            "of the military cooperation"
        ),
    },
    {
        "actor_id": "us-state-department", "name": "US State Department", "country": "USA",
        "kind": "ministry", "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            'The US State Department says the two top diplomats "pledged to maintain close '
            "coordination"
        ),
    },
    {
        "actor_id": "pentagon", "name": "US Department of Defense (Pentagon)", "country": "USA",
        "kind": "ministry", "sources": ["korea-herald-chung"],
        "evidence": (
            "The US Pentagon mentioned countering North Korea and other countries including China, "
            "Russia and Iran in a report released Nov. 4"
        ),
    },
    {
        "actor_id": "us-congress", "name": "US Congress", "country": "USA", "kind": "legislature",
        "sources": ["kyodo-reversal"],
        "evidence": (
            "The U.S. Congress on Thursday joined efforts made by the administration of President "
            "Donald Trump to highlight the importance of GSOMIA"
        ),
    },
    # --- others
    {
        "actor_id": "north-korea", "name": "North Korea", "native_name": "조선민주주의인민공화국",
        "country": "PRK", "kind": "government",
        "notes": "Also 'Pyongyang' and 'DPRK' in the articles.",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "North Korea’s self-imposed yearend deadline for progress on US-DPRK dialogue is "
            "looming"
        ),
    },
    {
        "actor_id": "wto", "name": "World Trade Organization", "country": "INT",
        "kind": "international-org",
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "South Korea had suspended a bilateral consultation with Japan in the World Trade "
            "Organization’s dispute settlement process."
        ),
    },
]

# ============================================================================
# Issues
# ============================================================================
ISSUES: list[dict] = [
    {
        "issue_id": "gsomia", "name": "GSOMIA renewal",
        "question": "Should the Japan-ROK GSOMIA stay in force?",
        "description": (
            "The General Security of Military Information Agreement, signed 23 Nov 2016 and "
            "renewed automatically each year unless a party gives 90 days' notice. Seoul gave "
            "notice on 23 Aug 2019 and on 22 Nov 2019 conditionally suspended it."
        ),
        "status": "active",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "GSOMIA had been automatically renewed annually since it was signed on Nov. 23, 2016, "
            "and was due to be extended unless one of the countries decided to abandon it 90 days "
            "prior to its extension."
        ),
    },
    {
        "issue_id": "export-controls", "name": "Export controls",
        "question": "Should Japan keep its tightened export controls on the three materials?",
        "description": (
            "Since 4 July 2019 Japan screens exports to South Korea of three materials used to "
            "make semiconductors and display screens case by case, citing security concerns over "
            "South Korea's trade controls."
        ),
        "status": "active",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "Japan tightens control on technology exports to South Korea, targeting three "
            "materials used in the manufacturing of semiconductors and display screens for "
            "smartphones and TVs."
        ),
    },
    {
        "issue_id": "whitelist",
        "name": "Preferred-partner list",
        "question": "Should South Korea stay off Japan's list of preferred trade partners?",
        "description": (
            "On 2 Aug 2019 Japan decided to revoke South Korea's preferential status for goods "
            "that can be diverted for military use."
        ),
        "status": "active", "sources": ["nhk-explainer", "kyodo-reversal", "korea-herald-chung"],
        "evidence": "South Korea will remain off Japan’s list of preferred trade partners.",
    },
    {
        "issue_id": "wto-complaint", "name": "WTO complaint",
        "question": "Should South Korea pursue its WTO complaint against Japan's export controls?",
        "description": (
            "Filed in September 2019 (no day given); suspended on 22 Nov 2019 while bilateral "
            "export-control talks go on. Failure of bilateral consultations would open the way to "
            "a dispute settlement panel."
        ),
        "status": "dormant",
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "South Korea filed the complaint in September, viewing Japan’s trade steps as going "
            "against the spirit of WTO rules, a claim that Tokyo has denied."
        ),
    },
    {
        "issue_id": "wartime-labor", "name": "Wartime labour",
        "question": (
            "Should Japanese companies pay the compensation South Korean courts ordered for "
            "wartime labour, notwithstanding the 1965 agreement?"
        ),
        "description": (
            "South Korea's Supreme Court ordered Japanese firms to compensate South Koreans for "
            "wartime forced labour; Japan says all claims were settled by the 1965 agreement."
        ),
        "status": "active",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "Japan maintains that all claims for wartime compensation were settled in an agreement "
            "the two countries signed in 1965 when they normalized relations."
        ),
    },
    {
        "issue_id": "trilateral-security", "name": "Trilateral security",
        "question": (
            "Should Japan, South Korea and the US deepen trilateral security cooperation against "
            "North Korea?"
        ),
        "description": (
            "GSOMIA is widely seen as a symbol of military cooperation among the three against "
            "North Korea."
        ),
        "status": "active",
        "sources": [
            "nhk-explainer",
            "japantimes-about-face",
            "kyodo-reversal",
            "pacnet-68",
            "korea-herald-chung",
        ],
        "evidence": (
            "the agreement is an important pillar of trilateral security cooperation, which is "
            "aimed at balancing China’s growing influence and deterring North Korea’s security "
            "provocations."
        ),
    },
    {
        "issue_id": "export-dialogue", "name": "Export-control dialogue",
        "question": "Should Tokyo and Seoul hold the export-control policy dialogue?",
        "description": (
            "Talks between export-control officials, announced on 22 Nov 2019, that had not taken "
            "place in over three years."
        ),
        "status": "active",
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal", "pacnet-68"],
        "evidence": (
            "the Japanese trade ministry announced it will resume talks between export control "
            "officials of the two countries that have not taken place in over three years"
        ),
    },
    {
        "issue_id": "consolation-fund",
        "name": "Consolation fund",
        "question": (
            "Should a fund financed by donations from both countries pay 'consolation money' to "
            "the wartime-labour plaintiffs?"
        ),
        "description": "A plan outlined by the Speaker of South Korea's National Assembly.",
        "status": "active", "sources": ["nhk-explainer"],
        "evidence": (
            "to solicit donations from companies and individuals in both countries to pay "
            '"consolation money" to the plaintiffs.'
        ),
    },
]

# ============================================================================
# Events
# ============================================================================
EVENTS: list[dict] = [
    # --- Kyodo's GSOMIA chronology (002), 2012-2019
    {
        "event_id": "2012-06-29-signing-postponed", "date": date(2012, 6, 29),
        "title": "Japan and South Korea postpone signing GSOMIA at Seoul's last-minute request",
        "summary": (
            "The two governments put off signing the pact after a last-minute request from Seoul, "
            "which feared a public backlash against closer military cooperation with its former "
            "colonial power."
        ),
        "category": "decision",
        "actors": ["rok-government", "japan-government", "south-korean-public"],
        "issues": ["gsomia"], "significance": 3, "sources": ["kyodo-reversal"],
        "evidence": (
            "The governments of Japan and South Korea postpone the signing of GSOMIA due to a "
            "last-minute request from Seoul amid concern about a public backlash"
        ),
    },
    {
        "event_id": "2016-11-01-negotiations-resume", "date": date(2016, 11, 1),
        "title": "Japan and South Korea resume GSOMIA negotiations",
        "summary": (
            "The two governments return to the negotiating table on the intelligence-sharing pact."
        ),
        "category": "negotiation", "actors": ["rok-government", "japan-government"],
        "issues": ["gsomia"], "significance": 3, "sources": ["kyodo-reversal"],
        "evidence": "The Japanese and South Korean governments resume negotiations on GSOMIA.",
    },
    {
        "event_id": "2016-11-23-gsomia-signed", "date": date(2016, 11, 23),
        "title": "Japan and South Korea sign GSOMIA, which takes effect the same day",
        "summary": (
            "The pact helps the two counter North Korean missile threats. It is renewed "
            "automatically each year unless one side gives notice 90 days before the extension."
        ),
        "category": "decision", "actors": ["rok-government", "japan-government"],
        "issues": ["gsomia", "trilateral-security"], "significance": 4,
        "sources": ["kyodo-reversal", "korea-herald-chung"],
        "evidence": (
            "The two governments sign GSOMIA that helps them counter North Korean missile threats. "
            "It comes into effect the same day."
        ),
    },
    {
        "event_id": "2018-10-30-supreme-court-ruling", "date": date(2018, 10, 30),
        "title": (
            "South Korea's Supreme Court orders a Japanese firm to pay compensation for wartime "
            "labour"
        ),
        "summary": (
            "The ruling, one of the court rulings of 2018 on wartime forced labour, is where the "
            "Japan Times dates the start of the current dispute; Japan says all such claims were "
            "settled by the 1965 agreement."
        ),
        "category": "legal", "actors": ["rok-supreme-court", "japanese-firms"],
        "issues": ["wartime-labor"], "significance": 5,
        "sources": [
            "kyodo-reversal",
            "japantimes-about-face",
            "nhk-explainer",
            "korea-herald-chung",
        ],
        "evidence": (
            "The Supreme Court of South Korea orders a Japanese firm to pay compensation for "
            "wartime labor."
        ),
    },
    {
        "event_id": "2019-07-04-export-controls", "date": date(2019, 7, 4),
        "title": (
            "Japan tightens export controls on three materials for semiconductors and displays "
            "bound for South Korea"
        ),
        "summary": (
            "Japan cites security concerns over South Korea's trade controls; the measures are "
            "widely seen as a response to Seoul's inaction on wartime labour, which Tokyo denies."
        ),
        "category": "trade-measure", "actors": ["japan-government"], "issues": ["export-controls"],
        "significance": 5, "sources": ["kyodo-reversal", "nhk-explainer", "japantimes-about-face"],
        "evidence": (
            "Japan tightens control on technology exports to South Korea, targeting three "
            "materials used in the manufacturing of semiconductors and display screens for "
            "smartphones and TVs."
        ),
    },
    {
        "event_id": "2019-08-02-whitelist-removal", "date": date(2019, 8, 2),
        "title": "Japan decides to revoke South Korea's preferential trade-partner status",
        "summary": (
            "The status covered goods that can be diverted for military use. South Korea later "
            "downgraded Japan's trade status in retaliation (no date given)."
        ),
        "category": "trade-measure", "actors": ["japan-government"], "issues": ["whitelist"],
        "significance": 4, "sources": ["kyodo-reversal", "japantimes-about-face", "nhk-explainer"],
        "evidence": (
            "Japan decides to revoke South Korea’s preferential status as a trade partner for the "
            "purchase of goods that can be diverted for military use."
        ),
    },
    {
        "event_id": "2019-08-22-seoul-decides-to-scrap", "date": date(2019, 8, 22),
        "title": "South Korea says it will scrap GSOMIA",
        "summary": (
            "Seoul says Japan's tighter export controls have significantly changed the security "
            "environment between the two countries; the move is widely seen as retaliation for the "
            "export controls."
        ),
        "category": "decision", "actors": ["rok-government"],
        "issues": ["gsomia", "export-controls"], "significance": 5,
        "sources": ["kyodo-reversal", "japantimes-about-face"],
        "evidence": (
            "South Korea says it will scrap GSOMIA, claiming Japan’s tighter export controls have "
            "significantly changed the security cooperation environment between the two countries."
        ),
    },
    {
        "event_id": "2019-08-23-termination-notice", "date": date(2019, 8, 23),
        "title": "Seoul notifies Tokyo it will end GSOMIA; Tokyo protests",
        "summary": (
            "South Korea gives the required three months' notice, setting the pact to expire on 23 "
            "Nov 2019. Tokyo lodges a strong protest."
        ),
        "category": "decision", "actors": ["rok-government", "japan-government"],
        "issues": ["gsomia"], "significance": 4,
        "sources": ["kyodo-reversal", "korea-herald-chung"],
        "evidence": (
            "Seoul notifies Tokyo of its decision to scrap GSOMIA. Tokyo lodges a strong protest "
            "with Seoul."
        ),
    },
    {
        "event_id": "2019-11-04-abe-moon-bangkok", "date": date(2019, 11, 4),
        "title": "Abe and Moon talk for about 10 minutes near Bangkok",
        "summary": (
            "The two leaders speak ahead of the ASEAN plus Japan, China and South Korea summit."
        ),
        "category": "meeting", "actors": ["shinzo-abe", "moon-jae-in"], "issues": ["gsomia"],
        "location": "Outskirts of Bangkok", "significance": 3, "sources": ["kyodo-reversal"],
        "evidence": (
            "Japanese Prime Minister Shinzo Abe and South Korean President Moon Jae In hold a "
            "conversation for about 10 minutes on the outskirts of Bangkok"
        ),
    },
    {
        "event_id": "2019-11-15-moon-tells-esper", "date": date(2019, 11, 15),
        "title": (
            "Moon tells visiting US Defense Secretary Esper it is difficult to share intelligence "
            "with Japan"
        ),
        "summary": "Moon links the difficulty to Tokyo's tighter export controls.",
        "category": "meeting", "actors": ["moon-jae-in", "mark-esper"],
        "issues": ["gsomia", "export-controls"], "location": "South Korea", "significance": 3,
        "sources": ["kyodo-reversal"],
        "evidence": (
            "Moon tells visiting U.S. Defense Secretary Mark Esper that it is difficult for Seoul "
            "to share military intelligence with Japan following Tokyo’s tighter export controls."
        ),
    },
    {
        "event_id": "2019-11-17-kono-jeong-bangkok", "date": date(2019, 11, 17),
        "title": "Kono urges South Korean Defense Minister Jeong to reconsider scrapping GSOMIA",
        "summary": "Japan's defense minister presses his counterpart in Bangkok.",
        "category": "meeting", "actors": ["taro-kono", "jeong-kyeong-doo"], "issues": ["gsomia"],
        "location": "Bangkok", "significance": 3, "sources": ["kyodo-reversal"],
        "evidence": (
            "Japanese Defense Minister Taro Kono urges his South Korean counterpart Jeong Kyeong "
            "Doo in Bangkok to reconsider Seoul’s decision to scrap GSOMIA."
        ),
    },
    {
        "event_id": "2019-11-19-moon-town-hall", "date": date(2019, 11, 19),
        "title": (
            "Moon says at a televised town hall he will seek to avoid GSOMIA's expiry until the "
            "last moment"
        ),
        "summary": (
            "At the same meeting he says it is difficult to share military information with a "
            "country that regards South Korea as an unreliable security partner."
        ),
        "category": "statement", "actors": ["moon-jae-in"], "issues": ["gsomia"], "significance": 3,
        "sources": ["kyodo-reversal"],
        "evidence": (
            "Moon says in a televised town hall meeting that he will seek to avoid expiration of "
            "GSOMIA until the last moment."
        ),
    },
    {
        "event_id": "2019-11-21-nsc-meeting", "date": date(2019, 11, 21),
        "title": "South Korea's National Security Council discusses pending issues with Japan",
        "summary": (
            'The council discusses ways to deal with "various situations" the day before the pact '
            "was due to lapse."
        ),
        "category": "meeting", "actors": ["rok-nsc"], "issues": ["gsomia"], "significance": 3,
        "sources": ["kyodo-reversal"],
        "evidence": (
            "South Korea’s National Security Council discusses pending issues with Japan, "
            "including ways to deal with “various situations.”"
        ),
    },
    {
        "event_id": "2019-11-22-seoul-tells-tokyo", "date": date(2019, 11, 22),
        "title": (
            "South Korea tells Japan it will temporarily extend GSOMIA, hours before midnight "
            "expiry"
        ),
        "summary": (
            "Seoul conveys its decision to Tokyo after eleventh-hour negotiations, shortly before "
            "the pact was due to lapse at midnight."
        ),
        "category": "decision", "actors": ["rok-government", "japan-government"],
        "issues": ["gsomia"], "significance": 5, "sources": ["kyodo-reversal"],
        "evidence": (
            "South Korea tells Japan it will temporarily extend GSOMIA, hours before its planned "
            "expiration at midnight."
        ),
    },
    # --- other dated events reported by the articles, November 2019
    {
        "event_id": "2019-11-04-pentagon-report", "date": date(2019, 11, 4),
        "title": "Pentagon report lists countering North Korea among top US challenges for 2020",
        "summary": (
            "The report, which also names China, Russia and Iran, warns North Korea may already be "
            "able to launch a nuclear weapon capable of reaching the United States."
        ),
        "category": "statement", "actors": ["pentagon", "north-korea"],
        "issues": ["trilateral-security"], "significance": 2, "sources": ["korea-herald-chung"],
        "evidence": (
            "The US Pentagon mentioned countering North Korea and other countries including China, "
            "Russia and Iran in a report released Nov. 4, calling this one of the top 10 "
            "challenges the US faces in 2020."
        ),
    },
    {
        "event_id": "2019-11-07-hoffman-briefing", "date": date(2019, 11, 7),
        "title": "Pentagon spokesman Hoffman says the US wants the GSOMIA dispute resolved",
        "summary": (
            "Hoffman says resolving it would let the allies focus on North Korea's activities and "
            "Chinese efforts to destabilise the region; Esper was to discuss the pact on his Seoul "
            "visit."
        ),
        "category": "statement", "actors": ["jonathan-hoffman", "pentagon"],
        "issues": ["gsomia", "trilateral-security"], "significance": 2,
        "sources": ["korea-herald-chung"],
        "evidence": "Pentagon spokesman Jonathan Hoffman said during a briefing Thursday.",
    },
    {
        "event_id": "2019-11-10-chung-briefing", "date": date(2019, 11, 10),
        "title": "Chung Eui-yong says Seoul would rethink GSOMIA if relations with Japan normalise",
        "summary": (
            "Moon's top security adviser blames Japan for the strained relations, says ending "
            "GSOMIA would have a limited impact on security, and says Seoul cannot extend it while "
            "Japan's export restrictions stand."
        ),
        "category": "statement", "actors": ["chung-eui-yong", "rok-government"],
        "issues": ["gsomia", "export-controls"], "significance": 3,
        "sources": ["korea-herald-chung"],
        "evidence": (
            "President Moon Jae-in’s top security adviser reaffirmed Sunday that South Korea’s "
            "bilateral military intelligence-sharing pact with Japan could be renewed, as the "
            "expiration date draws near."
        ),
    },
    {
        "event_id": "2019-11-15-scm-seoul", "date": date(2019, 11, 15),
        "title": (
            "US and South Korean defense chiefs meet in Seoul at the annual Security Consultative "
            "Meeting"
        ),
        "summary": (
            "Esper, who like Milley visited South Korea that week, and other US officials use the "
            "annual meeting to call for GSOMIA to be kept alive."
        ),
        "category": "meeting",
        "actors": ["mark-esper", "jeong-kyeong-doo", "mark-milley", "pentagon"],
        "issues": ["gsomia", "trilateral-security"], "location": "Seoul", "significance": 3,
        "sources": ["nhk-explainer", "korea-herald-chung"],
        "evidence": "The US and S. Korean defense chiefs met in Seoul on Nov. 15.",
    },
    {
        "event_id": "2019-11-21-suga-press-conference", "date": date(2019, 11, 21),
        "title": "Suga urges South Korea to act sensibly on GSOMIA",
        "summary": "Japan's top government spokesman says Tokyo's stance is unchanged.",
        "category": "statement", "actors": ["yoshihide-suga", "japan-government"],
        "issues": ["gsomia"], "significance": 2, "sources": ["kyodo-reversal"],
        "evidence": (
            "Earlier in the day, Japan’s top government spokesman Yoshihide Suga urged South Korea "
            "to show prudence."
        ),
    },
    {
        "event_id": "2019-11-21-congress-resolution", "date": date(2019, 11, 21),
        "title": (
            "US Congress passes a resolution calling GSOMIA foundational to Indo-Pacific security"
        ),
        "summary": (
            "Congress joins the Trump administration in stressing the pact's importance, including "
            "for countering North Korean nuclear and missile threats."
        ),
        "category": "legislative", "actors": ["us-congress", "us-government", "donald-trump"],
        "issues": ["gsomia", "trilateral-security"], "significance": 3,
        "sources": ["kyodo-reversal"],
        "evidence": (
            "The U.S. Congress on Thursday joined efforts made by the administration of President "
            "Donald Trump to highlight the importance of GSOMIA, passing a resolution"
        ),
    },
    {
        "event_id": "2019-11-21-pompeo-kang-call", "date": date(2019, 11, 21),
        "title": "Pompeo urges Kang by phone to keep GSOMIA",
        "summary": (
            "According to the State Department the two pledged close coordination and reaffirmed "
            "the importance of the South Korea-Japan relationship."
        ),
        "category": "meeting", "actors": ["mike-pompeo", "kang-kyung-wha", "us-state-department"],
        "issues": ["gsomia", "trilateral-security"], "location": "Seoul", "significance": 3,
        "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "US Secretary of State Mike Pompeo also urged South Korea to continue the pact during "
            "a phone call with South Korean Foreign Minister Kang Kyung-wha on Thursday in Seoul."
        ),
    },
    {
        "event_id": "2019-11-22-kono-news-conference", "date": date(2019, 11, 22),
        "title": "Kono warns scrapping GSOMIA could send a wrong message to North Korea",
        "summary": (
            "Japan's defense minister speaks at a news conference before Seoul's announcement."
        ),
        "category": "statement", "actors": ["taro-kono"], "issues": ["gsomia"], "significance": 2,
        "sources": ["japantimes-about-face"],
        "evidence": (
            "Defense Minister Taro Kono told a news conference on Friday before Seoul’s surprise "
            "announcement."
        ),
    },
    {
        "event_id": "2019-11-22-behind-the-scenes-talks", "date": date(2019, 11, 22),
        "title": "Japanese and South Korean officials continue behind-the-scenes talks on GSOMIA",
        "summary": (
            "Officials keep talking through the day over Seoul's planned withdrawal; Kyodo "
            "describes the outcome as following eleventh-hour negotiations."
        ),
        "category": "negotiation", "actors": ["rok-government", "japan-government"],
        "issues": ["gsomia", "export-controls"], "significance": 3,
        "sources": ["japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "On Friday, officials of the two countries reportedly continued behind-the-scenes "
            "talks over Seoul’s planned withdrawal from the intelligence-sharing pact."
        ),
    },
    {
        "event_id": "2019-11-22-kim-announcement", "date": date(2019, 11, 22),
        "title": "Kim You-geun announces Seoul conditionally suspends its notice to end GSOMIA",
        "summary": (
            "At 6 p.m., six hours before expiry, Kim says Seoul suspends the expiration on "
            "condition that it can end GSOMIA at any moment and that Japan showed its "
            "understanding."
        ),
        "category": "decision",
        "actors": ["kim-you-geun", "blue-house", "rok-government", "japan-government"],
        "issues": ["gsomia"], "location": "Seoul", "significance": 5,
        "sources": ["nhk-explainer", "japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "At 6:00 p.m. on November 22, Kim You-geun, the deputy director of the South Korean "
            "presidential national security office, announced that the South Korean government "
            "decided to conditionally suspend its notice to end GSOMIA with Japan"
        ),
    },
    {
        "event_id": "2019-11-22-seoul-announces-dialogue", "date": date(2019, 11, 22),
        "title": "Seoul announces a high-level policy dialogue with Tokyo on export controls",
        "summary": (
            "Kim also announces that officials of both countries will hold a high-level dialogue "
            "on Japan's tighter export controls on three high-tech materials."
        ),
        "category": "statement", "actors": ["kim-you-geun", "blue-house"],
        "issues": ["export-dialogue", "export-controls"], "location": "Seoul", "significance": 4,
        "sources": ["nhk-explainer"],
        "evidence": (
            "The official from South Korea's national security office had also announced that "
            "officials from both countries will hold a high-level policy dialogue"
        ),
    },
    {
        "event_id": "2019-11-22-wto-complaint-suspended", "date": date(2019, 11, 22),
        "title": "South Korea suspends its WTO complaint against Japan's export controls",
        "summary": (
            "Kim says the complaint, filed in September (no day given), is halted as long as "
            "bilateral dialogue continues; METI's Iida confirms Seoul suspended its bilateral WTO "
            "consultation."
        ),
        "category": "decision", "actors": ["kim-you-geun", "rok-government", "wto"],
        "issues": ["wto-complaint", "export-controls"], "location": "Seoul", "significance": 4,
        "sources": ["kyodo-reversal", "nhk-explainer", "japantimes-about-face"],
        "evidence": (
            "During the briefing in Seoul, Kim said South Korea will suspend its complaint filed "
            "against Japan at the World Trade Organization"
        ),
    },
    {
        "event_id": "2019-11-22-blue-house-wto-terms", "date": date(2019, 11, 22),
        "title": (
            "Blue House official: WTO complaint suspended only while export-control talks continue"
        ),
        "summary": (
            "At the Q&A after Kim's briefing, an official says the complaint would be dropped "
            "altogether only if Japan withdraws the export controls."
        ),
        "category": "statement", "actors": ["blue-house"],
        "issues": ["wto-complaint", "export-controls"], "location": "Seoul", "significance": 2,
        "sources": ["kyodo-reversal"],
        "evidence": (
            "the only case for dropping the complaint altogether would be Japan’s withdrawal of "
            "the export controls."
        ),
    },
    {
        "event_id": "2019-11-22-presidential-office-trade-gap", "date": date(2019, 11, 22),
        "title": (
            "Presidential office says the decision followed narrowing of gaps in the trade dispute"
        ),
        "summary": (
            "Yonhap quotes the office as saying the two countries closed the gap on some "
            "differences; Tokyo says trade and GSOMIA are separate."
        ),
        "category": "statement", "actors": ["blue-house", "yonhap"],
        "issues": ["gsomia", "export-controls"], "significance": 2,
        "sources": ["japantimes-about-face"],
        "evidence": (
            "According to Yonhap, the presidential office of South Korea said it made the decision "
            "after the two countries closed the gap on some differences in their monthslong trade "
            "fight."
        ),
    },
    {
        "event_id": "2019-11-22-meti-dialogue-announcement", "date": date(2019, 11, 22),
        "title": (
            "Japan's trade ministry announces resumption of export-control talks with South Korea"
        ),
        "summary": (
            "The talks had not been held in over three years; METI says Seoul had expressed "
            "willingness to improve its monitoring of trade. A senior Blue House official later "
            "called that contrary to the facts, and METI said on Twitter the wording had been "
            "coordinated in advance (the articles give no dates for this dispute)."
        ),
        "category": "decision", "actors": ["meti", "japan-government"],
        "issues": ["export-dialogue", "export-controls"], "significance": 4,
        "sources": ["japantimes-about-face", "nhk-explainer", "pacnet-68"],
        "evidence": (
            "the Japanese trade ministry announced it will resume talks between export control "
            "officials of the two countries that have not taken place in over three years"
        ),
    },
    {
        "event_id": "2019-11-22-meti-controls-unchanged", "date": date(2019, 11, 22),
        "title": (
            "METI: export controls stay in place and South Korea stays off the preferred-partner "
            "list"
        ),
        "summary": (
            "Japan will keep processing each export application for the targeted materials "
            "individually."
        ),
        "category": "statement", "actors": ["meti"], "issues": ["export-controls", "whitelist"],
        "significance": 3, "sources": ["kyodo-reversal"],
        "evidence": (
            "For now, Japan will keep the export controls intact and continue to process each "
            "application seeking approval for the export of the targeted materials, the Japanese "
            "trade ministry said."
        ),
    },
    {
        "event_id": "2019-11-22-iida-briefing", "date": date(2019, 11, 22),
        "title": (
            "METI's Iida says the export talks are unrelated to GSOMIA and controls will not be "
            "eased soon"
        ),
        "summary": (
            "Iida confirms Seoul suspended its WTO consultation and reads it as eagerness to fix "
            "its export-control problems."
        ),
        "category": "statement", "actors": ["yoichi-iida", "meti"],
        "issues": ["export-dialogue", "export-controls", "wto-complaint"], "significance": 2,
        "sources": ["japantimes-about-face"],
        "evidence": (
            "Yoichi Iida, the director-general of the trade control department at the Ministry of "
            "Economy, Trade and Industry, insisted Friday evening the decision is not related to "
            "the GSOMIA announcement."
        ),
    },
    {
        "event_id": "2019-11-22-abe-remarks", "date": date(2019, 11, 22),
        "title": "Abe says Seoul apparently made a strategic decision to keep GSOMIA",
        "summary": (
            "Abe tells reporters at his office that coordination among Japan, South Korea and the "
            "US to cope with North Korea is extremely important."
        ),
        "category": "statement", "actors": ["shinzo-abe"],
        "issues": ["gsomia", "trilateral-security"], "location": "Tokyo", "significance": 2,
        "sources": ["kyodo-reversal", "nhk-explainer"],
        "evidence": (
            "Speaking to reporters in Tokyo, Japanese Prime Minister Shinzo Abe said Seoul had "
            "apparently made a “strategic” decision at the last minute."
        ),
    },
    {
        "event_id": "2019-11-22-motegi-nagoya", "date": date(2019, 11, 22),
        "title": (
            "Motegi says Tokyo's priorities are unchanged and trade and GSOMIA are separate issues"
        ),
        "summary": (
            "In Nagoya, Motegi says Seoul must end the situation that violates international law "
            "and probably decided out of regard for trilateral cooperation against North Korea."
        ),
        "category": "statement", "actors": ["toshimitsu-motegi"],
        "issues": ["wartime-labor", "gsomia", "export-controls"], "location": "Nagoya",
        "significance": 2, "sources": ["japantimes-about-face"],
        "evidence": (
            "Later in the day, Foreign Minister Toshimitsu Motegi told reporters in Nagoya that "
            "Tokyo’s priorities remain unchanged"
        ),
    },
    {
        "event_id": "2019-11-23-motegi-assets-warning", "date": date(2019, 11, 23),
        "title": "Motegi warns ties will suffer further if seized Japanese assets are sold",
        "summary": (
            "The plaintiffs in the wartime-labour cases have begun procedures to sell assets "
            "seized from Japanese companies."
        ),
        "category": "statement", "actors": ["toshimitsu-motegi", "labor-plaintiffs"],
        "issues": ["wartime-labor"], "significance": 2, "sources": ["nhk-explainer"],
        "evidence": (
            "Japanese Foreign Minister Toshimitsu Motegi said on Saturday that bilateral ties will "
            "suffer even further if those assets are sold."
        ),
    },
    {
        "event_id": "2019-11-23-expiry-averted", "date": date(2019, 11, 23),
        "title": "GSOMIA stays in force past its scheduled expiry",
        "summary": (
            "The pact, due to expire on 23 Nov after Seoul's August notice, does not lapse at "
            "midnight; Seoul says it can still end it at any time."
        ),
        "category": "other", "actors": ["rok-government", "japan-government"], "issues": ["gsomia"],
        "significance": 4, "sources": ["kyodo-reversal", "korea-herald-chung", "nhk-explainer"],
        "evidence": (
            "With the expiration of GSOMIA averted, Japan and South Korea may have stemmed a "
            "further worsening of bilateral ties for now."
        ),
    },
]

# ============================================================================
# Positions
# ============================================================================
POSITIONS: list[dict] = [
    # --- issue: gsomia
    {
        "actor_id": "rok-government", "issue_id": "gsomia", "as_of": date(2019, 8, 22),
        "stance": "opposes",
        "summary": (
            "Decides to scrap GSOMIA, saying Japan's tighter export controls changed the security "
            "cooperation environment."
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "South Korea says it will scrap GSOMIA, claiming Japan’s tighter export controls have "
            "significantly changed the security cooperation environment between the two countries."
        ),
    },
    {
        "actor_id": "rok-government", "issue_id": "gsomia", "as_of": date(2019, 11, 10),
        "stance": "conditional",
        "summary": (
            "Willing to rethink extending GSOMIA if relations with Japan normalise, i.e. if Japan "
            "retracts its export restrictions and whitelist removal."
        ),
        "quote": (
            "The government is willing to rethink an extension of the GSOMIA if South Korea-Japan "
            "relations normalize"
        ),
        "sources": ["korea-herald-chung"], "confidence": "high",
        "evidence": (
            "reaffirmed Sunday that South Korea’s bilateral military intelligence-sharing pact "
            "with Japan could be renewed, as the expiration date draws near."
        ),
    },
    {
        "actor_id": "rok-government", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "conditional",
        "summary": (
            "Suspends its notice to end GSOMIA, on condition that it can terminate the pact at any "
            "time."
        ),
        "sources": ["nhk-explainer", "kyodo-reversal", "japantimes-about-face"],
        "confidence": "high",
        "evidence": (
            "announced that the South Korean government decided to conditionally suspend its "
            "notice to end GSOMIA with Japan"
        ),
    },
    {
        "actor_id": "rok-government", "issue_id": "gsomia", "as_of": date(2019, 11, 25),
        "stance": "conditional",
        "summary": (
            "Says it could still end GSOMIA at any time if Japan does not compromise on export "
            "controls."
        ),
        "sources": ["nhk-explainer"], "confidence": "medium",
        "evidence": (
            "South Korea says it could still end GSOMIA at any time if Japan does not compromise "
            "on its export controls."
        ),
    },
    {
        "actor_id": "chung-eui-yong", "issue_id": "gsomia", "as_of": date(2019, 11, 10),
        "stance": "conditional",
        "summary": (
            "Says Seoul cannot extend GSOMIA while Japan's export restrictions stand, and that "
            "ending it would have a limited impact on security."
        ),
        "quote": (
            "I think the people will understand that (the government) cannot decide to extend the "
            "GSOMIA under current circumstances when Japan implemented export restrictions, citing "
            "that it has lost trust (toward Korea) in security cooperation"
        ),
        "sources": ["korea-herald-chung"], "confidence": "high",
        "evidence": (
            "Chung said a termination of GSOMIA would have a limited impact on national security, "
            "as the bilateral exchange of military spy information will not be completely "
            "obstructed."
        ),
    },
    {
        "actor_id": "kim-you-geun", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "conditional",
        "summary": (
            "Announces the suspension of the expiry on condition that GSOMIA can be ended at any "
            "moment."
        ),
        "quote": (
            "Our government has decided to suspend the expiration under the condition that the "
            "GSOMIA could be terminated at any moment, to which the Japanese government showed its "
            "understanding"
        ),
        "sources": ["kyodo-reversal", "japantimes-about-face"], "confidence": "high",
        "evidence": (
            "said Kim You Geun, deputy director of the Blue House’s national security office, at a "
            "briefing."
        ),
    },
    {
        "actor_id": "moon-jae-in", "issue_id": "gsomia", "as_of": date(2019, 11, 15),
        "stance": "opposes",
        "summary": (
            "Tells Esper it is difficult to share military intelligence with Japan because of "
            "Tokyo's tighter export controls."
        ),
        "sources": ["kyodo-reversal"], "confidence": "medium",
        "evidence": (
            "Moon tells visiting U.S. Defense Secretary Mark Esper that it is difficult for Seoul "
            "to share military intelligence with Japan following Tokyo’s tighter export controls."
        ),
    },
    {
        "actor_id": "moon-jae-in", "issue_id": "gsomia", "as_of": date(2019, 11, 19),
        "stance": "conditional",
        "summary": (
            "Says he will seek to avoid GSOMIA's expiry until the last moment, while calling it "
            "difficult to share information with a country that sees South Korea as unreliable."
        ),
        "sources": ["kyodo-reversal"], "confidence": "medium",
        "evidence": (
            "Moon says in a televised town hall meeting that he will seek to avoid expiration of "
            "GSOMIA until the last moment."
        ),
    },
    {
        "actor_id": "japan-government", "issue_id": "gsomia", "as_of": date(2019, 8, 23),
        "stance": "supports",
        "summary": "Lodges a strong protest against Seoul's notice to scrap GSOMIA.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "Seoul notifies Tokyo of its decision to scrap GSOMIA. Tokyo lodges a strong protest "
            "with Seoul."
        ),
    },
    {
        "actor_id": "japan-government", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Had called on Seoul to keep the pact and expressed understanding of the conditional "
            "suspension."
        ),
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "Both Japan and the United States had called on the country to keep the pact, known as "
            "GSOMIA, in place."
        ),
    },
    {
        "actor_id": "shinzo-abe", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Welcomes Seoul's last-minute decision as a strategic one.",
        "quote": (
            "South Korea is believed to have made its decision (over GSOMIA) from such a strategic "
            "point."
        ),
        "sources": ["kyodo-reversal", "nhk-explainer"], "confidence": "medium",
        "evidence": (
            "Speaking to reporters in Tokyo, Japanese Prime Minister Shinzo Abe said Seoul had "
            "apparently made a “strategic” decision at the last minute."
        ),
    },
    {
        "actor_id": "taro-kono", "issue_id": "gsomia", "as_of": date(2019, 11, 17),
        "stance": "supports",
        "summary": "Urges his South Korean counterpart in Bangkok to reconsider scrapping GSOMIA.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "Japanese Defense Minister Taro Kono urges his South Korean counterpart Jeong Kyeong "
            "Doo in Bangkok to reconsider Seoul’s decision to scrap GSOMIA."
        ),
    },
    {
        "actor_id": "taro-kono", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Warns that scrapping GSOMIA could send a wrong message to North Korea and others in "
            "the region."
        ),
        "quote": (
            "If South Korea scraps (GSOMIA), it could send a wrong message to North Korea and "
            "other countries in the surrounding area"
        ),
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": (
            "Defense Minister Taro Kono told a news conference on Friday before Seoul’s surprise "
            "announcement."
        ),
    },
    {
        "actor_id": "yoshihide-suga", "issue_id": "gsomia", "as_of": date(2019, 11, 11),
        "stance": "supports",
        "summary": (
            "Calls Seoul's decision to end the pact a misjudgement of the regional security "
            "landscape (statement reported on 11 Nov; day not given)."
        ),
        "quote": (
            "completely misjudges the region’s security landscape and is extremely disappointing."
        ),
        "sources": ["korea-herald-chung"], "confidence": "high",
        "evidence": (
            "He said South Korea’s decision to end the pact “completely misjudges the region’s "
            "security landscape and is extremely disappointing.”"
        ),
    },
    {
        "actor_id": "yoshihide-suga", "issue_id": "gsomia", "as_of": date(2019, 11, 21),
        "stance": "supports",
        "summary": "Urges South Korea to act sensibly; Tokyo's stance is unchanged.",
        "quote": (
            "We’ve been asking (South Korea) to act sensibly and there’s no change in our stance"
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "Earlier in the day, Japan’s top government spokesman Yoshihide Suga urged South Korea "
            "to show prudence."
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Says Seoul probably decided out of regard for trilateral cooperation against North "
            "Korea, and that trade and the pact are separate."
        ),
        "sources": ["japantimes-about-face"], "confidence": "medium",
        "evidence": (
            "Seoul probably reached the decision because it attaches much importance to "
            "cooperation between South Korea, Japan and the United States to cope with the North "
            "Korean military threat, Motegi said."
        ),
    },
    {
        "actor_id": "jonathan-hoffman", "issue_id": "gsomia", "as_of": date(2019, 11, 7),
        "stance": "supports",
        "summary": (
            "Wants the dispute resolved so that the allies can focus on North Korea and China."
        ),
        "quote": (
            "It’s something that we would like to see resolved, so that all of us can focus on the "
            "biggest threats in the region, which is North Korea’s activities and then, the "
            "Chinese efforts to destabilize the region"
        ),
        "sources": ["korea-herald-chung"], "confidence": "medium",
        "evidence": "Pentagon spokesman Jonathan Hoffman said during a briefing Thursday.",
    },
    {
        "actor_id": "mark-esper", "issue_id": "gsomia", "as_of": date(2019, 11, 15),
        "stance": "supports",
        "summary": (
            "Uses the annual US-ROK defense meeting in Seoul to call for the pact to be kept alive."
        ),
        "sources": ["nhk-explainer"], "confidence": "medium",
        "evidence": (
            "The visits were for an annual meeting of military officials of both countries, but "
            "the US officials used the opportunity to call for the pact to be kept alive."
        ),
    },
    {
        "actor_id": "mike-pompeo", "issue_id": "gsomia", "as_of": date(2019, 11, 21),
        "stance": "supports",
        "summary": "Urges Foreign Minister Kang by phone to continue the pact.",
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "US Secretary of State Mike Pompeo also urged South Korea to continue the pact during "
            "a phone call"
        ),
    },
    {
        "actor_id": "us-congress", "issue_id": "gsomia", "as_of": date(2019, 11, 21),
        "stance": "supports",
        "summary": "Passes a resolution calling GSOMIA foundational to Indo-Pacific security.",
        "quote": (
            "foundational to Indo-Pacific security and defense, and specifically to countering "
            "nuclear and missile threats (from North Korea)"
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "The U.S. Congress on Thursday joined efforts made by the administration of President "
            "Donald Trump to highlight the importance of GSOMIA"
        ),
    },
    {
        "actor_id": "us-government", "issue_id": "gsomia", "as_of": date(2019, 11, 11),
        "stance": "supports",
        "summary": "Seen as pressing Seoul to keep the pact for trilateral coordination.",
        "sources": ["korea-herald-chung"], "confidence": "medium",
        "evidence": (
            "Washington is seen as pressuring Seoul to maintain the defense pact for trilateral "
            "coordination among Seoul, Washington and Tokyo"
        ),
    },
    {
        "actor_id": "us-government", "issue_id": "gsomia", "as_of": date(2019, 11, 21),
        "stance": "supports",
        "summary": (
            "The Trump administration stresses the importance of GSOMIA, joined by Congress."
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "with the U.S. Congress joining the administration of President Donald Trump in "
            "stressing the importance of GSOMIA."
        ),
    },
    {
        "actor_id": "us-government", "issue_id": "gsomia", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Demands that Seoul renew the pact, with strong and persistent pressure.",
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": (
            "Washington demanded that Seoul renew the pact, which is widely regarded as a symbol "
            "of the military cooperation between South Korea, Japan and the U.S. against North "
            "Korea."
        ),
    },
    # --- issue: trilateral-security
    {
        "actor_id": "shinzo-abe", "issue_id": "trilateral-security", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Says cooperation among Japan, South Korea and the US to cope with North Korea is "
            "extremely important."
        ),
        "quote": (
            "It’s extremely important for Japan and South Korea, as well as the United States, to "
            "cooperate and coordinate to cope with North Korea. I have repeatedly made that clear"
        ),
        "sources": ["kyodo-reversal", "nhk-explainer"], "confidence": "high",
        "evidence": (
            "Prime Minister Shinzo Abe told reporters on Friday that coordination with South Korea "
            "as well as the US is extremely important."
        ),
    },
    {
        "actor_id": "pentagon", "issue_id": "trilateral-security", "as_of": date(2019, 11, 4),
        "stance": "supports",
        "summary": (
            "Its report calls countering North Korea and others one of the top US challenges for "
            "2020."
        ),
        "quote": (
            "North Korea also presents a dangerous threat to the United States and its allies."
        ),
        "sources": ["korea-herald-chung"], "confidence": "low",
        "evidence": "calling this one of the top 10 challenges the US faces in 2020.",
    },
    {
        "actor_id": "us-state-department", "issue_id": "trilateral-security",
        "as_of": date(2019, 11, 21), "stance": "supports",
        "summary": (
            "Reports that Pompeo and Kang reaffirmed the importance of the South Korea-Japan "
            "relationship."
        ),
        "quote": (
            "pledged to maintain close coordination and reaffirmed the importance of the ROK-Japan "
            "relationship."
        ),
        "sources": ["nhk-explainer", "kyodo-reversal"], "confidence": "medium",
        "evidence": (
            'The US State Department says the two top diplomats "pledged to maintain close '
            'coordination and reaffirmed the importance of the ROK-Japan relationship."'
        ),
    },
    {
        "actor_id": "kang-kyung-wha", "issue_id": "trilateral-security",
        "as_of": date(2019, 11, 21), "stance": "supports",
        "summary": (
            "With Pompeo, pledges close coordination and reaffirms the importance of the "
            "Seoul-Tokyo relationship (per the State Department)."
        ),
        "quote": (
            "pledged to maintain close coordination and reaffirmed the importance of (the "
            "Seoul-Tokyo relationship)"
        ),
        "sources": ["kyodo-reversal"], "confidence": "medium",
        "evidence": (
            "U.S. Secretary of State Mike Pompeo had a phone conversation with his South Korean "
            "counterpart Kang Kyung Hwa late Thursday"
        ),
    },
    {
        "actor_id": "us-government", "issue_id": "trilateral-security", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "US officials warn that scrapping GSOMIA would weaken the trilateral alliance and only "
            "benefit China and North Korea."
        ),
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": (
            "U.S. officials have repeatedly warned the scrapping of GSOMIA would weaken the "
            "trilateral military alliance and only benefit China and North Korea."
        ),
    },
    # --- issue: export-controls
    {
        "actor_id": "japan-government", "issue_id": "export-controls", "as_of": date(2019, 7, 4),
        "stance": "supports",
        "summary": (
            "Tightens controls on three materials, citing security concerns over South Korea's "
            "trade controls."
        ),
        "sources": ["kyodo-reversal", "nhk-explainer"], "confidence": "high",
        "evidence": (
            "Japan tightens control on technology exports to South Korea, targeting three "
            "materials used in the manufacturing of semiconductors and display screens for "
            "smartphones and TVs."
        ),
    },
    {
        "actor_id": "japan-government", "issue_id": "export-controls", "as_of": date(2019, 11, 25),
        "stance": "supports",
        "summary": (
            "Says GSOMIA and trade control are separate and there are no plans to change the "
            "export controls."
        ),
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "The Japanese government says GSOMIA and trade control are separate issues. It also "
            "says there are no plans to change the export controls"
        ),
    },
    {
        "actor_id": "meti", "issue_id": "export-controls", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Keeps the controls intact and continues to screen each application.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "For now, Japan will keep the export controls intact and continue to process each "
            "application seeking approval for the export of the targeted materials, the Japanese "
            "trade ministry said."
        ),
    },
    {
        "actor_id": "yoichi-iida", "issue_id": "export-controls", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Says Japan is not planning to ease the controls anytime soon.",
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": (
            "Iida said Japan is not planning to ease its tightened export control measures anytime "
            "soon."
        ),
    },
    {
        "actor_id": "yoshihide-suga", "issue_id": "export-controls", "as_of": date(2019, 11, 11),
        "stance": "supports",
        "summary": (
            "Says the export restrictions and GSOMIA are separate issues of different dimensions "
            "(reported on 11 Nov; day not given)."
        ),
        "sources": ["korea-herald-chung"], "confidence": "low",
        "evidence": (
            "Japan’s Chief Cabinet Secretary Yoshihide Suga asserted that Japan’s export "
            "restrictions and GSOMIA are two separate issues of different dimensions."
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "issue_id": "export-controls", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Stresses that the trade issue and the military pact are two separate things.",
        "sources": ["japantimes-about-face"], "confidence": "low",
        "evidence": (
            "However in Nagoya, Motegi emphasized that the trade issue and the military pact are "
            "two separate things."
        ),
    },
    {
        "actor_id": "rok-government", "issue_id": "export-controls", "as_of": date(2019, 11, 11),
        "stance": "opposes",
        "summary": (
            "Will reconsider ending GSOMIA only if Japan retracts its export restrictions and the "
            "whitelist removal."
        ),
        "sources": ["korea-herald-chung"], "confidence": "high",
        "evidence": (
            "South Korea has maintained that it will consider reversing its decision to terminate "
            "the agreement only if Japan retracts its export restrictions on high-tech exports to "
            "South Korea"
        ),
    },
    {
        "actor_id": "rok-government", "issue_id": "export-controls", "as_of": date(2019, 11, 25),
        "stance": "opposes",
        "summary": (
            "Holds that Japan caused the current situation and keeps GSOMIA's fate tied to a "
            "Japanese compromise on export controls."
        ),
        "sources": ["nhk-explainer"], "confidence": "medium",
        "evidence": (
            "Moon's administration says it is Japan that made a fundamental cause of the current "
            "situation."
        ),
    },
    {
        "actor_id": "blue-house", "issue_id": "export-controls", "as_of": date(2019, 11, 22),
        "stance": "opposes",
        "summary": (
            "Says the WTO complaint would be dropped altogether only if Japan withdraws the export "
            "controls."
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "The official added, however, that the only case for dropping the complaint altogether "
            "would be Japan’s withdrawal of the export controls."
        ),
    },
    # --- issue: whitelist
    {
        "actor_id": "japan-government", "issue_id": "whitelist", "as_of": date(2019, 8, 2),
        "stance": "supports",
        "summary": "Decides to revoke South Korea's preferential trade-partner status.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "Japan decides to revoke South Korea’s preferential status as a trade partner for the "
            "purchase of goods that can be diverted for military use."
        ),
    },
    {
        "actor_id": "meti", "issue_id": "whitelist", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "South Korea remains off Japan's list of preferred trade partners.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": "South Korea will remain off Japan’s list of preferred trade partners.",
    },
    {
        "actor_id": "rok-government", "issue_id": "whitelist", "as_of": date(2019, 11, 11),
        "stance": "opposes",
        "summary": (
            "Demands that Japan retract its removal of South Korea from the whitelist as a "
            "condition for reversing its GSOMIA decision."
        ),
        "sources": ["korea-herald-chung"], "confidence": "high",
        "evidence": (
            "its decision to remove South Korea from its whitelist of trusted trading partners."
        ),
    },
    # --- issue: wto-complaint
    {
        "actor_id": "rok-government", "issue_id": "wto-complaint", "as_of": date(2019, 11, 22),
        "stance": "conditional",
        "summary": (
            "Halts the complaint filed in September for as long as bilateral dialogue continues."
        ),
        "sources": ["nhk-explainer", "kyodo-reversal"], "confidence": "high",
        "evidence": (
            "Seoul also announced that it will halt a complaint against Japan at the World Trade "
            "Organization as long as bilateral dialogue continues."
        ),
    },
    {
        "actor_id": "kim-you-geun", "issue_id": "wto-complaint", "as_of": date(2019, 11, 22),
        "stance": "conditional", "summary": "Announces the suspension of the WTO complaint.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "During the briefing in Seoul, Kim said South Korea will suspend its complaint filed "
            "against Japan at the World Trade Organization"
        ),
    },
    {
        "actor_id": "blue-house", "issue_id": "wto-complaint", "as_of": date(2019, 11, 22),
        "stance": "conditional",
        "summary": (
            "The suspension holds while export-control negotiations are under way; the complaint "
            "would be dropped only if Japan withdraws the controls."
        ),
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "an official from South Korea’s presidential office said the suspension of the "
            "complaint would remain in force while negotiations between the two countries on "
            "export controls are under way."
        ),
    },
    {
        "actor_id": "japan-government", "issue_id": "wto-complaint", "as_of": date(2019, 11, 22),
        "stance": "opposes",
        "summary": (
            "Denies South Korea's claim that its trade steps go against the spirit of WTO rules."
        ),
        "sources": ["kyodo-reversal"], "confidence": "medium",
        "evidence": (
            "viewing Japan’s trade steps as going against the spirit of WTO rules, a claim that "
            "Tokyo has denied."
        ),
    },
    {
        "actor_id": "yoichi-iida", "issue_id": "wto-complaint", "as_of": date(2019, 11, 22),
        "stance": "opposes",
        "summary": (
            "Reads Seoul's suspension of the WTO process as eagerness to fix its export-control "
            "problems."
        ),
        "quote": (
            "Considering South Korea’s notification on suspending the WTO process, we determined "
            "that South Korea is expressing its eagerness to improve its current export control "
            "problems."
        ),
        "sources": ["japantimes-about-face"], "confidence": "medium",
        "evidence": (
            "He also confirmed that South Korea had suspended a bilateral consultation with Japan "
            "in the World Trade Organization’s dispute settlement process."
        ),
    },
    # --- issue: export-dialogue
    {
        "actor_id": "meti", "issue_id": "export-dialogue", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Announces it will resume talks between export-control officials, the first in over "
            "three years."
        ),
        "sources": ["japantimes-about-face", "nhk-explainer"], "confidence": "high",
        "evidence": (
            "the Japanese trade ministry announced it will resume talks between export control "
            "officials of the two countries that have not taken place in over three years"
        ),
    },
    {
        "actor_id": "kim-you-geun", "issue_id": "export-dialogue", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": (
            "Announces that officials of both countries will hold a high-level policy dialogue on "
            "export controls."
        ),
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "The official from South Korea's national security office had also announced that "
            "officials from both countries will hold a high-level policy dialogue"
        ),
    },
    {
        "actor_id": "yoichi-iida", "issue_id": "export-dialogue", "as_of": date(2019, 11, 22),
        "stance": "supports",
        "summary": "Says the decision to hold talks is not related to the GSOMIA announcement.",
        "sources": ["japantimes-about-face"], "confidence": "medium",
        "evidence": (
            "insisted Friday evening the decision is not related to the GSOMIA announcement."
        ),
    },
    {
        "actor_id": "blue-house", "issue_id": "export-dialogue", "as_of": date(2019, 11, 25),
        "stance": "supports",
        "summary": (
            "Disputes METI's account of why the dialogue was agreed but stresses that the two "
            "sides did agree to hold it."
        ),
        "sources": ["nhk-explainer"], "confidence": "medium",
        "evidence": (
            "The official said Seoul protested and Tokyo apologized, but stressed that they did "
            "agree on holding dialogue."
        ),
    },
    # --- issue: wartime-labor
    {
        "actor_id": "rok-supreme-court", "issue_id": "wartime-labor", "as_of": date(2018, 10, 30),
        "stance": "supports",
        "summary": "Orders a Japanese firm to pay compensation for wartime labour.",
        "sources": ["kyodo-reversal"], "confidence": "high",
        "evidence": (
            "The Supreme Court of South Korea orders a Japanese firm to pay compensation for "
            "wartime labor."
        ),
    },
    {
        "actor_id": "japan-government", "issue_id": "wartime-labor", "as_of": date(2019, 11, 22),
        "stance": "opposes",
        "summary": (
            "Demands that Seoul take measures to avoid damage to Japanese firms and address the "
            "issue first."
        ),
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": "Tokyo has demanded Seoul take measures to avoid damage to Japanese firms.",
    },
    {
        "actor_id": "japan-government", "issue_id": "wartime-labor", "as_of": date(2019, 11, 25),
        "stance": "opposes",
        "summary": (
            "Maintains that all wartime compensation claims were settled by the 1965 agreement and "
            "that Seoul is responsible for resolving the issue."
        ),
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "Japan maintains that all claims for wartime compensation were settled in an agreement "
            "the two countries signed in 1965 when they normalized relations."
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "issue_id": "wartime-labor", "as_of": date(2019, 11, 22),
        "stance": "opposes",
        "summary": (
            "Says Tokyo's priorities are unchanged and Seoul must end a situation that violates "
            "international law."
        ),
        "quote": "eliminate the current situation that violates international law.",
        "sources": ["japantimes-about-face"], "confidence": "high",
        "evidence": (
            "Later in the day, Foreign Minister Toshimitsu Motegi told reporters in Nagoya that "
            "Tokyo’s priorities remain unchanged"
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "issue_id": "wartime-labor", "as_of": date(2019, 11, 23),
        "stance": "opposes",
        "summary": "Warns that ties will suffer further if seized Japanese assets are sold.",
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "Japanese Foreign Minister Toshimitsu Motegi said on Saturday that bilateral ties will "
            "suffer even further if those assets are sold."
        ),
    },
    {
        "actor_id": "labor-plaintiffs", "issue_id": "wartime-labor", "as_of": date(2019, 11, 25),
        "stance": "supports",
        "summary": "Have begun procedures to sell assets seized from the Japanese companies.",
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "The plaintiffs have begun procedures to sell assets seized from the companies."
        ),
    },
    # --- issue: consolation-fund
    {
        "actor_id": "national-assembly-speaker", "issue_id": "consolation-fund",
        "as_of": date(2019, 11, 25), "stance": "supports",
        "summary": (
            "Has outlined a plan for a fund, financed by donations from both countries, to pay "
            "consolation money to the plaintiffs."
        ),
        "sources": ["nhk-explainer"], "confidence": "high",
        "evidence": (
            "The speaker of South Korea's National Assembly has outlined a plan to set up a new "
            "fund to solicit donations from companies and individuals in both countries"
        ),
    },
    {
        "actor_id": "toshimitsu-motegi", "issue_id": "consolation-fund",
        "as_of": date(2019, 11, 25), "stance": "unclear",
        "summary": (
            "Has not commented on the plan but says Tokyo will listen if Seoul makes concrete "
            "proposals."
        ),
        "sources": ["nhk-explainer"], "confidence": "medium",
        "evidence": (
            "Motegi has not commented on that plan, but he has said the government is willing to "
            "listen if Seoul makes concrete proposals that would address the situation."
        ),
    },
]

# ============================================================================
# Outlook
# ============================================================================
OUTLOOK: list[dict] = [
    # --- ahead as of late November 2019
    {
        "date": None,
        "item": (
            "China-Japan-South Korea trilateral summit in Chengdu (December 2019: NHK says 'next "
            "month'; no day given)"
        ),
        "issues": ["gsomia", "trilateral-security"], "actors": ["shinzo-abe", "moon-jae-in"],
        "status": "expected", "sources": ["nhk-explainer", "pacnet-68"],
        "evidence": (
            "a bilateral summit on the sidelines of the China-Japan-South Korea trilateral summit "
            "in Chengdu."
        ),
    },
    {
        "date": None,
        "item": (
            "Abe-Moon bilateral summit on the sidelines of the Chengdu trilateral summit; "
            "the two foreign ministers agreed to coordinate it"
        ),
        "issues": ["gsomia", "export-controls", "wartime-labor"],
        "actors": ["shinzo-abe", "moon-jae-in", "toshimitsu-motegi", "kang-kyung-wha"],
        "status": "possible", "sources": ["nhk-explainer", "pacnet-68"],
        "evidence": (
            "Top diplomats of both countries agreed to coordinate a summit meeting between Prime "
            "Minister Abe and President Moon next month when they visit China for a trilateral "
            "summit."
        ),
    },
    {
        "date": None,
        "item": (
            "High-level export-control policy dialogue between trade officials in Tokyo, expected "
            "to be difficult"
        ),
        "issues": ["export-dialogue", "export-controls"], "actors": ["meti", "rok-government"],
        "status": "expected", "sources": ["nhk-explainer", "pacnet-68"],
        "evidence": (
            "But the upcoming high-level talks among trade officials are expected to be difficult."
        ),
    },
    {
        "date": None,
        "item": (
            "Working-level talks through which Tokyo and Seoul are expected to try to ease trade "
            "tensions"
        ),
        "issues": ["export-dialogue", "export-controls"], "actors": ["meti", "rok-government"],
        "status": "expected", "sources": ["kyodo-reversal"],
        "evidence": (
            "The Asian neighbors are expected to try to ease trade tensions through the "
            "forthcoming working-level talks."
        ),
    },
    {
        "date": None,
        "item": (
            "Asia-Europe Meeting (ASEM) in Madrid: an opportunity for Tokyo and Seoul to build "
            "good faith (PacNet)"
        ),
        "issues": [], "actors": ["japan-government", "rok-government"], "status": "expected",
        "sources": ["pacnet-68"],
        "evidence": (
            "the two countries have numerous opportunities to build good faith, from the "
            "high-level trade policy dialogue in Tokyo, the Asia-Europe meeting (ASEM) in Madrid"
        ),
    },
    {
        "date": date(2019, 12, 31),
        "item": (
            "North Korea's self-imposed year-end deadline for progress in US-DPRK dialogue; "
            "Pyongyang says it will seek a 'new path' if talks fail"
        ),
        "issues": ["trilateral-security", "gsomia"], "actors": ["north-korea", "us-government"],
        "status": "deadline", "sources": ["pacnet-68"],
        "evidence": (
            "North Korea’s self-imposed yearend deadline for progress on US-DPRK dialogue is "
            "looming and, with little headway, the region needs to brace for North Korea’s "
            "military escalation."
        ),
    },
    {
        "date": None,
        "item": (
            "Sale of Japanese companies' assets seized by the wartime-labour plaintiffs; "
            "Motegi warns ties would suffer further"
        ),
        "issues": ["wartime-labor"],
        "actors": ["labor-plaintiffs", "japanese-firms", "toshimitsu-motegi"], "status": "possible",
        "sources": ["nhk-explainer"],
        "evidence": (
            "The plaintiffs have begun procedures to sell assets seized from the companies."
        ),
    },
    {
        "date": None,
        "item": (
            "National Assembly speaker's plan for a fund paying 'consolation money' to the "
            "plaintiffs; Tokyo will listen to concrete proposals"
        ),
        "issues": ["consolation-fund", "wartime-labor"],
        "actors": ["national-assembly-speaker", "toshimitsu-motegi"], "status": "possible",
        "sources": ["nhk-explainer"],
        "evidence": (
            "Motegi has not commented on that plan, but he has said the government is willing to "
            "listen if Seoul makes concrete proposals that would address the situation."
        ),
    },
    {
        "date": None,
        "item": (
            "A WTO dispute settlement panel, if bilateral consultations on the export controls fail"
        ),
        "issues": ["wto-complaint", "export-controls"],
        "actors": ["wto", "rok-government", "japan-government"], "status": "possible",
        "sources": ["kyodo-reversal"],
        "evidence": (
            "Failure to find a solution through bilateral consultations would open the way for the "
            "establishment of a dispute settlement panel."
        ),
    },
    {
        "date": None,
        "item": (
            "Seoul says it could still end GSOMIA at any time if Japan does not compromise on "
            "export controls"
        ),
        "issues": ["gsomia", "export-controls"], "actors": ["rok-government"], "status": "possible",
        "sources": ["nhk-explainer", "japantimes-about-face"],
        "evidence": (
            "South Korea says it could still end GSOMIA at any time if Japan does not compromise "
            "on its export controls."
        ),
    },
    # --- ahead as seen from the Korea Herald on 11 Nov 2019
    {
        "date": date(2019, 11, 15),
        "item": (
            "US-South Korea Security Consultative Meeting, where Esper is likely to discuss GSOMIA "
            "(as seen on 11 Nov)"
        ),
        "issues": ["gsomia"], "actors": ["mark-esper", "jeong-kyeong-doo"], "status": "scheduled",
        "sources": ["korea-herald-chung"],
        "evidence": (
            "Esper is likely to discuss potential solutions for the fate of GSOMIA while attending "
            "the US-South Korea Security Consultative Meeting, which will take place Friday."
        ),
    },
    {
        "date": date(2019, 11, 18),
        "item": (
            "Jeong-Kono meeting on the sidelines of the ASEAN Defense Ministers' Meeting "
            "in Thailand (as seen on 11 Nov)"
        ),
        "issues": ["gsomia"], "actors": ["jeong-kyeong-doo", "taro-kono"], "status": "possible",
        "sources": ["korea-herald-chung"],
        "evidence": (
            "are reportedly considering a bilateral meeting on the sidelines of the ASEAN Defense "
            "Ministers’ Meeting, which will take place in Thailand on Nov. 18."
        ),
    },
    {
        "date": date(2019, 11, 22),
        "item": (
            "Kang-Motegi talks at the G20 foreign ministers' meeting in Nagoya, 22-23 Nov "
            "(as seen on 11 Nov)"
        ),
        "issues": ["gsomia"], "actors": ["kang-kyung-wha", "toshimitsu-motegi"],
        "status": "possible", "sources": ["korea-herald-chung"],
        "evidence": (
            "also may hold face-to-face talks on the issue on the margins of the G20 foreign "
            "ministers’ meeting in Nagoya on Nov. 22 and 23."
        ),
    },
    {
        "date": date(2019, 11, 23),
        "item": "Scheduled expiry of GSOMIA after Seoul's 23 Aug notice (as seen on 11 Nov)",
        "issues": ["gsomia"], "actors": ["rok-government", "japan-government"],
        "status": "deadline", "sources": ["korea-herald-chung"],
        "evidence": (
            "The South Korean government gave Tokyo the required three months’ notice on Aug. 23 "
            "that it would not renew the two countries’ military pact. The agreement is due to "
            "expire Nov. 23."
        ),
    },
]

# ============================================================================
# Assessments
# ============================================================================
ASSESSMENTS: list[dict] = [
    # --- the desk's own judgments (whose = desk): what the memos lead with. Each rests on
    # the articles it cites; a likelihood only where the article's own words are estimative
    # ("expected to", "not planning to", "probably", "will remain").
    {
        "as_of": date(2019, 11, 25), "issue_id": None,
        "judgment": (
            "GSOMIA is likely to stay in force for now, but only conditionally: Seoul says it can "
            "still end the pact at any time if Japan does not compromise on export controls."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["nhk-explainer", "japantimes-about-face"],
        "evidence": (
            "South Korea says it could still end GSOMIA at any time if Japan does not compromise "
            "on its export controls."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": None,
        "judgment": (
            "The export-control talks the two governments agreed to resume are likely to be "
            "difficult: Tokyo keeps the controls in place and treats them as separate from GSOMIA."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "But the upcoming high-level talks among trade officials are expected to be difficult."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": None,
        "judgment": (
            "The wartime labour dispute, which Tokyo ranks first, is unresolved and was left out "
            "of the 22 Nov announcements; the sale of seized Japanese assets would set ties back "
            "further."
        ),
        "confidence": "high", "whose": "desk", "author": "Northeast Asia Desk",
        "sources": ["nhk-explainer", "japantimes-about-face"],
        "evidence": (
            "Japanese Foreign Minister Toshimitsu Motegi said on Saturday that bilateral ties will "
            "suffer even further if those assets are sold."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "gsomia",
        "judgment": (
            "GSOMIA is likely to survive for now: Seoul has only suspended its notice to end the "
            "pact, on condition that it can end it at any moment."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["nhk-explainer", "kyodo-reversal"],
        "evidence": (
            "Our government has decided to suspend the expiration under the condition that the "
            "GSOMIA could be terminated at any moment"
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "export-controls",
        "judgment": (
            "Japan is unlikely to ease its export controls on the three materials soon: its trade "
            "ministry says it will keep them intact and screen each application."
        ),
        "likelihood": "unlikely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["japantimes-about-face", "kyodo-reversal"],
        "evidence": (
            "Iida said Japan is not planning to ease its tightened export control measures "
            "anytime soon."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "whitelist",
        "judgment": (
            "South Korea is likely to stay off Japan's list of preferred trade partners for now; "
            "Tokyo says it has no plans to change its export controls."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["kyodo-reversal", "nhk-explainer"],
        "evidence": "South Korea will remain off Japan’s list of preferred trade partners.",
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "wartime-labor",
        "judgment": (
            "The wartime labour dispute remains the main obstacle to better ties: Tokyo says Seoul "
            "must address it first, and the sale of seized assets would hurt ties further."
        ),
        "confidence": "high", "whose": "desk", "author": "Northeast Asia Desk",
        "sources": ["japantimes-about-face", "nhk-explainer"],
        "evidence": (
            "Tokyo, however, has consistently argued the two are separate issues and Seoul must "
            "first address the wartime labor issues if it ever wants to improve bilateral ties."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "consolation-fund",
        "judgment": (
            "The Speaker's fund plan is untested: Tokyo has not commented on it, but says it will "
            "listen if Seoul makes concrete proposals."
        ),
        "confidence": "medium", "whose": "desk", "author": "Northeast Asia Desk",
        "sources": ["nhk-explainer"],
        "evidence": (
            "Motegi has not commented on that plan, but he has said the government is willing to "
            "listen if Seoul makes concrete proposals"
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "trilateral-security",
        "judgment": (
            "Seoul likely kept GSOMIA because of US pressure and the weight it gives to "
            "cooperation with Japan and the US against North Korea."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["japantimes-about-face", "nhk-explainer"],
        "evidence": (
            "Seoul probably reached the decision because it attaches much importance to "
            "cooperation between South Korea, Japan and the United States to cope with the North "
            "Korean military threat"
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "export-dialogue",
        "judgment": (
            "The resumed export-control dialogue is likely to be difficult: within hours of its "
            "announcement the two sides disputed the trade ministry's account of what Seoul had "
            "offered."
        ),
        "likelihood": "likely", "confidence": "medium", "whose": "desk",
        "author": "Northeast Asia Desk", "sources": ["nhk-explainer"],
        "evidence": (
            "Such comments make it appear as if there is still a long way to go for both sides to "
            "find common ground on the issue."
        ),
    },
    # --- outside commentary (whose = source): cited, labelled as commentary in every memo
    # --- PacNet #68 (Uchimura and Kim)
    {
        "as_of": date(2019, 11, 25), "issue_id": None,
        "judgment": (
            "Seoul's conditional suspension has given Tokyo and Seoul time to end their impasse, "
            "but the relationship needs mending quickly and the suspension will not make that "
            "smoother; both need a face-saving compromise."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Daichi Uchimura and Saeme Kim, PacNet #68",
        "sources": ["pacnet-68"],
        "evidence": (
            "The conditional suspension of GSOMIA termination does not mean this process will be "
            "smoother or easier."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "gsomia",
        "judgment": (
            "TISA is no substitute for GSOMIA: it is slower and case-by-case, and the Moon "
            "administration's downplaying of GSOMIA overlooks that it is a pillar of trilateral "
            "security cooperation."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Daichi Uchimura and Saeme Kim, PacNet #68",
        "sources": ["pacnet-68"],
        "evidence": (
            "However, TISA is not a suitable substitute for GSOMIA. It is slow, as information is "
            "passed via the US rather than directly"
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "export-dialogue",
        "judgment": (
            "The policy dialogue is a good starting point but should become a policy-coordinating "
            "mechanism; Seoul should raise its credibility and Tokyo should set criteria and a "
            "timeline for ending case-by-case screening of the three materials."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Daichi Uchimura and Saeme Kim, PacNet #68",
        "sources": ["pacnet-68"],
        "evidence": (
            "Both countries need to develop and transform a policy dialogue from a troubleshooting "
            "exercise to a policy coordinating mechanism."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": None,
        "judgment": (
            "Settling the GSOMIA and trade disputes is temporary damage control; lasting stability "
            "requires addressing wartime reparations, historical and territorial conflicts."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Daichi Uchimura and Saeme Kim, PacNet #68",
        "sources": ["pacnet-68"],
        "evidence": (
            "resolving disputes over GSOMIA and trade are temporary damage-control measures."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "trilateral-security",
        "judgment": (
            "With North Korea's year-end deadline and talk of a 'new path', and Russia and China "
            "quick to exploit a Tokyo-Seoul split, security cooperation among US allies should be "
            "strengthened, not weakened."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Daichi Uchimura and Saeme Kim, PacNet #68",
        "sources": ["pacnet-68"],
        "evidence": (
            "suggest that security cooperation among US allies should be strengthened, not "
            "weakened."
        ),
    },
    # --- NHK World
    {
        "as_of": date(2019, 11, 25), "issue_id": "gsomia",
        "judgment": (
            "Seoul's last-minute reversal may reflect strong US pressure, and concessions Tokyo "
            "may have offered in the form of the export-control dialogue."
        ),
        "confidence": "medium", "whose": "source",
        "author": "NHK World", "sources": ["nhk-explainer"],
        "evidence": (
            "One of the reasons Seoul changed its stance at the last minute may have been strong "
            "pressure from Washington."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "trilateral-security",
        "judgment": (
            "Tokyo likely feared that the pact's end would signal lost trust among Japan, the US "
            "and South Korea, so it put the trilateral alliance first, with concern rising that "
            "Pyongyang could resume provocations."
        ),
        # NHK's own word ("is likely to have feared"), on the ICD 203 yardstick
        "likelihood": "likely",
        "confidence": "medium", "whose": "source",
        "author": "NHK World", "sources": ["nhk-explainer"],
        "evidence": (
            "The Japanese government is likely to have feared that the ending of the pact could "
            "appear to the international community as if trust had been lost among Japan, the US "
            "and South Korea."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "export-dialogue",
        "judgment": (
            "The high-level trade talks will be difficult; the public dispute over METI's wording "
            "suggests a long way to common ground, and Seoul may have questioned it to avoid "
            "criticism of conceding too much."
        ),
        "confidence": "medium", "whose": "source",
        "author": "NHK World", "sources": ["nhk-explainer"],
        "evidence": (
            "Such comments make it appear as if there is still a long way to go for both sides to "
            "find common ground on the issue."
        ),
    },
    {
        "as_of": date(2019, 11, 25), "issue_id": "wartime-labor",
        "judgment": (
            "Neither government's 22 Nov announcement mentioned the wartime labour issue, one of "
            "the root causes of the deteriorating ties."
        ),
        "confidence": "high", "whose": "source",
        "author": "NHK World", "sources": ["nhk-explainer"],
        "evidence": (
            "It is important to be aware that Friday's announcements from both governments had no "
            "mention of the wartime labor issue"
        ),
    },
    # --- quoted experts and the reporting outlets
    {
        "as_of": date(2019, 11, 22), "issue_id": "gsomia",
        "judgment": (
            "The Blue House expected Washington to press Japan for concessions if Seoul quit "
            "GSOMIA; instead the US pressed Seoul."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Yuki Asaba (Doshisha University), quoted by The Japan Times",
        "sources": ["japantimes-about-face"],
        "evidence": (
            "The Blue House had apparently believed that Washington would urge Japan to make "
            "concessions to improve ties with Seoul if it made the decision to withdraw from "
            "GSOMIA."
        ),
    },
    {
        "as_of": date(2019, 11, 22), "issue_id": None,
        "judgment": (
            "Had the GSOMIA talks broken down, the two countries would have lost a precious chance "
            "to improve ties; the wartime labour issue, Tokyo's top priority, remains unresolved."
        ),
        "confidence": "medium", "whose": "source",
        "author": "The Japan Times", "sources": ["japantimes-about-face"],
        "evidence": (
            "If talks had broken down over GSOMIA, the two Asian countries would have lost a "
            "precious opportunity to improve their strained bilateral ties."
        ),
    },
    {
        "as_of": date(2019, 11, 22), "issue_id": None,
        "judgment": (
            "Averting GSOMIA's expiry may have stopped further deterioration for now, but "
            "questions remain over whether the relationship will improve dramatically."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Kyodo News", "sources": ["kyodo-reversal"],
        "evidence": (
            "But questions remain over whether the relationship that had hit its lowest point in "
            "years will dramatically improve."
        ),
    },
    {
        "as_of": date(2019, 11, 11), "issue_id": "gsomia",
        "judgment": (
            "Concessions are hard without a stronger justification than US pressure: Seoul wants "
            "to trade GSOMIA renewal for withdrawal of Japan's trade curbs, while Japan wants the "
            "forced-labour issue resolved."
        ),
        "confidence": "medium", "whose": "source",
        "author": "Lee Won-deog (Kookmin University), quoted by The Korea Herald",
        "sources": ["korea-herald-chung"],
        "evidence": (
            "it appears to be hard for them to make concessions without a stronger justification "
            "than Washington’s pressure to keep the pact alive"
        ),
    },
    {
        "as_of": date(2019, 11, 11), "issue_id": "gsomia",
        "judgment": (
            "Neither side has budged on GSOMIA's renewal, each seeking the upper hand in their "
            "diplomatic and historical disputes."
        ),
        "confidence": "medium", "whose": "source",
        "author": "The Korea Herald", "sources": ["korea-herald-chung"],
        "evidence": (
            "The two Asian countries have not budged an inch on their respective positions "
            "regarding the renewal of the agreement"
        ),
    },
]


SHEETS: dict[str, list[dict]] = {
    "Sources": SOURCES,
    "Actors": ACTORS,
    "Issues": ISSUES,
    "Events": EVENTS,
    "Positions": POSITIONS,
    "Outlook": OUTLOOK,
    "Assessments": ASSESSMENTS,
}
