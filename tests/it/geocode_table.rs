//! Table test: real Kumamoto address strings (written from
//! `addresses/kumamoto_towns.csv`) with the expected answer. Every
//! normalisation rule, every fallback and the known traps have rows.
//! At least 98 % must resolve correctly; each miss is printed with why.

use carecover::geocode::{Gazetteer, GeocodeAnswer, Level};

use crate::common;
use common::data_dir;

/// Expected answer for one query.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Best candidate is this town (level `town`) in this city.
    Town(&'static str, &'static str),
    /// Same, and `rest` must equal the third string.
    TownRest(&'static str, &'static str, &'static str),
    /// 熊本市 without ward, town in several wards: all of these must be
    /// among the candidates, with equal top scores.
    Several(&'static [(&'static str, &'static str)]),
    /// Best candidate is a postal-code point (city, town).
    Postal(&'static str, &'static str),
    /// Best candidate is a municipality point.
    Municipality(&'static str),
    /// No candidates, this reason.
    Reason(&'static str),
}
use Want::*;

/// (rule or trap exercised, query, expected).
const TABLE: &[(&str, &str, Want)] = &[
    // The must-hit example.
    (
        "must-hit",
        "熊本市中央区水前寺６丁目１８－１",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    // NFKC: full-width digits, letters, hyphens.
    (
        "nfkc",
        "熊本市中央区水前寺公園３－１",
        TownRest("熊本市中央区", "水前寺公園", "3-1"),
    ),
    (
        "nfkc letters",
        "熊本市東区健軍本町１－１　ＡＢＣビル２Ｆ",
        TownRest("熊本市東区", "健軍本町", "1-1 ABCビル2F"),
    ),
    // Spaces.
    (
        "spaces",
        "熊本県 熊本市 東区 健軍本町 1-1",
        TownRest("熊本市東区", "健軍本町", "1-1"),
    ),
    (
        "ideographic spaces",
        "熊本市中央区　大江本町　7-5",
        TownRest("熊本市中央区", "大江本町", "7-5"),
    ),
    // Hyphen variants after digits.
    (
        "hyphen ー",
        "八代市松江城町5ー10",
        TownRest("八代市", "松江城町", "5-10"),
    ),
    (
        "hyphen −",
        "八代市松江城町5−10",
        TownRest("八代市", "松江城町", "5-10"),
    ),
    (
        "hyphen ‐",
        "八代市松江城町5‐10",
        TownRest("八代市", "松江城町", "5-10"),
    ),
    (
        "hyphen —",
        "八代市松江城町5—10",
        TownRest("八代市", "松江城町", "5-10"),
    ),
    (
        "hyphen ｰ",
        "荒尾市緑ケ丘3丁目1ｰ2",
        TownRest("荒尾市", "緑ケ丘三丁目", "1-2"),
    ),
    (
        "hyphen ‑ and の",
        "八代市松江城町5‑10の2",
        TownRest("八代市", "松江城町", "5-10-2"),
    ),
    // 丁目: kanji ↔ Arabic, and N- before the block number.
    (
        "kanji chome",
        "熊本市中央区水前寺六丁目18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "kanji chome 11",
        "熊本市南区八幡十一丁目4-2",
        TownRest("熊本市南区", "八幡十一丁目", "4-2"),
    ),
    (
        "kanji chome 10",
        "熊本市西区上代十丁目",
        Town("熊本市西区", "上代十丁目"),
    ),
    (
        "chome as N-",
        "熊本市中央区水前寺6-18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "chome as NN-",
        "熊本市南区八幡11-4-2",
        TownRest("熊本市南区", "八幡十一丁目", "4-2"),
    ),
    (
        "arabic chome",
        "熊本市中央区水前寺1丁目",
        Town("熊本市中央区", "水前寺一丁目"),
    ),
    (
        "full-width chome",
        "熊本市中央区黒髪６丁目",
        Town("熊本市中央区", "黒髪六丁目"),
    ),
    (
        "chome, 番地 rest",
        "熊本市西区二本木二丁目5番3号",
        TownRest("熊本市西区", "二本木二丁目", "5-3"),
    ),
    // Number words in names stay.
    (
        "number word 一の宮",
        "阿蘇市一の宮町宮地5800",
        TownRest("阿蘇市", "一の宮町宮地", "5800"),
    ),
    (
        "一ノ宮 variant",
        "阿蘇市一ノ宮町坂梨",
        Town("阿蘇市", "一の宮町坂梨"),
    ),
    (
        "number word 二本木",
        "熊本市西区二本木2丁目",
        Town("熊本市西区", "二本木二丁目"),
    ),
    (
        "one-kanji town 甲",
        "球磨郡五木村甲1234",
        TownRest("球磨郡五木村", "甲", "1234"),
    ),
    // Prefecture optional.
    (
        "熊本県 prefix",
        "熊本県八代市松江城町",
        Town("八代市", "松江城町"),
    ),
    (
        "熊本県+郡+大字",
        "熊本県上益城郡益城町大字木山236",
        TownRest("上益城郡益城町", "大字木山", "236"),
    ),
    // 郡 optional, 大字 optional.
    (
        "no 郡 no 大字",
        "益城町木山236",
        TownRest("上益城郡益城町", "大字木山", "236"),
    ),
    (
        "郡, no 大字",
        "上益城郡益城町福原",
        Town("上益城郡益城町", "大字福原"),
    ),
    (
        "郡 + 大字",
        "菊池郡菊陽町大字辛川",
        Town("菊池郡菊陽町", "大字辛川"),
    ),
    (
        "no 郡 no 大字 2",
        "菊陽町辛川",
        Town("菊池郡菊陽町", "大字辛川"),
    ),
    (
        "郡 + 大字 3",
        "阿蘇郡南小国町大字満願寺",
        Town("阿蘇郡南小国町", "大字満願寺"),
    ),
    (
        "no 郡 no 大字 3",
        "南小国町満願寺",
        Town("阿蘇郡南小国町", "大字満願寺"),
    ),
    (
        "大字 present",
        "球磨郡山江村大字万江1234",
        TownRest("球磨郡山江村", "大字万江", "1234"),
    ),
    (
        "大字 omitted",
        "山江村万江",
        Town("球磨郡山江村", "大字万江"),
    ),
    // 字 (小字) optional.
    (
        "字 present",
        "人吉市下原田町字上野",
        Town("人吉市", "下原田町字上野"),
    ),
    (
        "字 omitted",
        "人吉市下原田町上野",
        Town("人吉市", "下原田町字上野"),
    ),
    (
        "大字+字",
        "玉名郡長洲町大字清源寺字塘下",
        Town("玉名郡長洲町", "大字清源寺字塘下"),
    ),
    (
        "neither 大字 nor 字",
        "長洲町清源寺塘下",
        Town("玉名郡長洲町", "大字清源寺字塘下"),
    ),
    (
        "unknown 小字 after 大字",
        "長洲町清源寺字ふじこ10",
        TownRest("玉名郡長洲町", "大字清源寺", "字ふじこ10"),
    ),
    (
        "町大字 in town name",
        "熊本市東区画図町大字上無田",
        Town("熊本市東区", "画図町大字上無田"),
    ),
    (
        "町大字, 大字 omitted",
        "熊本市東区画図町上無田",
        Town("熊本市東区", "画図町大字上無田"),
    ),
    (
        "字 inside a name",
        "熊本市南区八分字町",
        Town("熊本市南区", "八分字町"),
    ),
    (
        "小字 of 一の宮町宮地",
        "阿蘇市一の宮町宮地字高田",
        Town("阿蘇市", "一の宮町宮地字高田"),
    ),
    (
        "only the 大字 of 小字 rows",
        "人吉市下原田町",
        Town("人吉市", "下原田町"),
    ),
    // ヶ/ケ/が/ガ.
    (
        "が for ヶ",
        "菊池郡菊陽町武蔵が丘1丁目2-3",
        TownRest("菊池郡菊陽町", "武蔵ヶ丘一丁目", "2-3"),
    ),
    (
        "ヶ for ケ",
        "熊本市北区武蔵ヶ丘7丁目",
        Town("熊本市北区", "武蔵ケ丘七丁目"),
    ),
    (
        "竜ケ for 龍ヶ",
        "上天草市竜ケ岳町樋島",
        Town("上天草市", "龍ヶ岳町樋島"),
    ),
    (
        "ヶ 錦ヶ丘",
        "熊本市東区錦ヶ丘",
        Town("熊本市東区", "錦ケ丘"),
    ),
    (
        "ヶ + 大字 omitted",
        "球磨郡球磨村三ヶ浦",
        Town("球磨郡球磨村", "大字三ケ浦"),
    ),
    (
        "が hiragana name",
        "水俣市ひばりが丘",
        Town("水俣市", "ひばりケ丘"),
    ),
    // Old / variant kanji, both directions.
    (
        "国 for 國",
        "葦北郡芦北町国見500",
        TownRest("葦北郡芦北町", "大字國見", "500"),
    ),
    (
        "國 as in file",
        "芦北町大字國見",
        Town("葦北郡芦北町", "大字國見"),
    ),
    (
        "芦北郡 for 葦北郡",
        "芦北郡芦北町国見",
        Town("葦北郡芦北町", "大字國見"),
    ),
    (
        "市の原 as in file",
        "上益城郡山都町市の原100",
        TownRest("上益城郡山都町", "市の原", "100"),
    ),
    (
        "市野原 (Japan Post)",
        "山都町市野原",
        Town("上益城郡山都町", "市の原"),
    ),
    (
        "嶋 for 島",
        "熊本市東区戸嶋西4丁目",
        Town("熊本市東区", "戸島西四丁目"),
    ),
    (
        "邊 for 辺",
        "熊本市北区植木町邊田野",
        Town("熊本市北区", "植木町辺田野"),
    ),
    (
        "國 for 国",
        "熊本市中央区國府1丁目",
        Town("熊本市中央区", "国府一丁目"),
    ),
    (
        "嶋 in municipality",
        "上益城郡嘉嶋町大字上島",
        Town("上益城郡嘉島町", "大字上島"),
    ),
    ("濱 for 浜", "天草市北濱町", Town("天草市", "北浜町")),
    (
        "ッ for ツ",
        "荒尾市四ッ山町3丁目6番3号",
        TownRest("荒尾市", "四ツ山町三丁目", "6-3"),
    ),
    (
        "淵 for 渕",
        "阿蘇郡小国町大字黒淵",
        Town("阿蘇郡小国町", "大字黒渕"),
    ),
    // Longest match.
    (
        "水前寺公園 beats 水前寺",
        "熊本市中央区水前寺公園",
        Town("熊本市中央区", "水前寺公園"),
    ),
    (
        "上水前寺 is its own town",
        "熊本市中央区上水前寺2丁目",
        Town("熊本市中央区", "上水前寺二丁目"),
    ),
    (
        "西松江城町 vs 松江城町",
        "八代市西松江城町",
        Town("八代市", "西松江城町"),
    ),
    (
        "十禅寺町 vs 十禅寺",
        "熊本市中央区十禅寺町",
        Town("熊本市中央区", "十禅寺町"),
    ),
    (
        "大字 only, 丁目 missing",
        "熊本市中央区水前寺",
        Town("熊本市中央区", "水前寺"),
    ),
    // 熊本市 without ward.
    (
        "ward-less, one ward",
        "熊本市水前寺公園",
        Town("熊本市中央区", "水前寺公園"),
    ),
    (
        "ward-less, one ward 2",
        "熊本市健軍本町",
        Town("熊本市東区", "健軍本町"),
    ),
    (
        "ward-less with 熊本県 and N-",
        "熊本県熊本市水前寺6-18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "ward-less 植木町",
        "熊本市植木町辺田野",
        Town("熊本市北区", "植木町辺田野"),
    ),
    (
        "ward-less 十禅寺2丁目 (南区 only)",
        "熊本市十禅寺2丁目",
        Town("熊本市南区", "十禅寺二丁目"),
    ),
    (
        "ward-less, several wards",
        "熊本市三郎1丁目",
        Several(&[("熊本市中央区", "三郎一丁目"), ("熊本市東区", "三郎一丁目")]),
    ),
    (
        "ward-less, several wards 2",
        "熊本市津浦町",
        Several(&[("熊本市西区", "津浦町"), ("熊本市北区", "津浦町")]),
    ),
    (
        "wrong ward, town elsewhere",
        "熊本市北区水前寺公園",
        Town("熊本市中央区", "水前寺公園"),
    ),
    // Postal code only, and postal code + text.
    ("postal 〒", "〒862-0950", Postal("熊本市中央区", "水前寺")),
    (
        "postal 7 digits",
        "8620950",
        Postal("熊本市中央区", "水前寺"),
    ),
    (
        "postal hyphen",
        "862-0950",
        Postal("熊本市中央区", "水前寺"),
    ),
    (
        "postal full-width",
        "〒８６２－０９５０",
        Postal("熊本市中央区", "水前寺"),
    ),
    (
        "postal + unmatched text",
        "〒862-0950 コーポ水前寺201",
        Postal("熊本市中央区", "水前寺"),
    ),
    (
        "postal + unknown town",
        "〒862-0910 熊本市東区ふじこ町",
        Postal("熊本市東区", "健軍本町"),
    ),
    (
        "postal + full address",
        "〒862-0950 熊本市中央区水前寺6丁目18-1",
        Town("熊本市中央区", "水前寺六丁目"),
    ),
    (
        "postal + address 2",
        "〒866-0862 八代市松江城町5-10",
        TownRest("八代市", "松江城町", "5-10"),
    ),
    // Municipality only, municipality + unknown town.
    ("municipality only", "天草市", Municipality("天草市")),
    (
        "municipality only, 郡",
        "上益城郡益城町",
        Municipality("上益城郡益城町"),
    ),
    ("ward only", "熊本市東区", Municipality("熊本市東区")),
    ("city only", "熊本市", Municipality("熊本市")),
    (
        "municipality + unknown town",
        "天草市ふじこ町1-2",
        Municipality("天草市"),
    ),
    (
        "熊本県 + municipality + unknown",
        "熊本県菊池市ふじこ",
        Municipality("菊池市"),
    ),
    // Not Kumamoto, empty, gibberish.
    (
        "Tokyo",
        "東京都千代田区千代田1-1",
        Reason("not_in_kumamoto"),
    ),
    (
        "Fukuoka",
        "福岡県福岡市博多区博多駅前1-1",
        Reason("not_in_kumamoto"),
    ),
    ("Tokyo postal code", "〒100-0001", Reason("not_in_kumamoto")),
    (
        "Tokyo postal code + text",
        "〒100-0001 東京都千代田区千代田",
        Reason("not_in_kumamoto"),
    ),
    ("empty", "", Reason("empty_query")),
    ("blank", " 　 ", Reason("empty_query")),
    ("gibberish", "ふじこふじこ", Reason("no_match")),
    // Issue 19: no municipality, former municipality names, kana, and their mixes.
    (
        "town without municipality",
        "水前寺6丁目",
        Town("熊本市中央区", "水前寺六丁目"),
    ),
    (
        "issue 19: no municipality",
        "植木町岩野",
        Town("熊本市北区", "植木町岩野"),
    ),
    (
        "issue 19: no municipality, N-",
        "水前寺6-18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "issue 19: former 郡+町",
        "鹿本郡植木町岩野",
        Town("熊本市北区", "植木町岩野"),
    ),
    (
        "issue 19: former 郡+町 2",
        "下益城郡城南町舞原",
        Town("熊本市南区", "城南町舞原"),
    ),
    (
        "issue 19: former 市, names kept",
        "本渡市今釜新町",
        Town("天草市", "今釜新町"),
    ),
    (
        "issue 19: former 町 without 郡",
        "松橋町久具",
        Town("宇城市", "松橋町久具"),
    ),
    (
        "issue 19: current city + former 村",
        "八代市泉村柿迫",
        Town("八代市", "泉町柿迫"),
    ),
    (
        "issue 19: kana with spaces",
        "くまもとし ちゅうおうく すいぜんじ",
        Town("熊本市中央区", "水前寺"),
    ),
    (
        "former 郡+村+大字, house number",
        "八代郡泉村大字柿迫1234",
        TownRest("八代市", "泉町柿迫", "1234"),
    ),
    (
        "former name, 番地 and building",
        "鹿本郡植木町大字岩野238番地1 コーポ植木201",
        TownRest("熊本市北区", "植木町岩野", "238-1 コーポ植木201"),
    ),
    (
        "half-width katakana, N-",
        "ｸﾏﾓﾄｼﾁｭｳｵｳｸｽｲｾﾞﾝｼﾞ6-18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "kanji municipality, kana town, kana 丁目",
        "熊本市中央区すいぜんじ6ちょうめ18-1",
        TownRest("熊本市中央区", "水前寺六丁目", "18-1"),
    ),
    (
        "long vowel marks",
        "くまもとし ちゅーおーく すいぜんじこーえん",
        Town("熊本市中央区", "水前寺公園"),
    ),
    (
        "postal code + former name",
        "〒869-0532 松橋町久具100",
        TownRest("宇城市", "松橋町久具", "100"),
    ),
    (
        "other prefecture's city, no prefecture",
        "福岡市中央区天神1-1",
        Reason("no_match"),
    ),
    (
        "unused Kumamoto-area postal code",
        "〒860-9999",
        Reason("no_match"),
    ),
    ("prefecture only", "熊本県", Reason("no_match")),
];

fn check(a: &GeocodeAnswer, want: Want) -> Result<(), String> {
    let best = a.candidates.first();
    let show = |a: &GeocodeAnswer| match a.candidates.first() {
        Some(c) => format!(
            "got {:?} {} {:?} rest {:?} score {} ({} candidates)",
            c.level,
            c.city,
            c.town,
            c.rest,
            c.score,
            a.candidates.len()
        ),
        None => format!("got no candidate, reason {:?}", a.reason),
    };
    let is = |level: Level, city: &str, town: Option<&str>| {
        best.is_some_and(|c| c.level == level && c.city == city && c.town.as_deref() == town)
    };
    let ok = match want {
        Town(city, town) => is(Level::Town, city, Some(town)),
        TownRest(city, town, rest) => {
            is(Level::Town, city, Some(town)) && best.is_some_and(|c| c.rest == rest)
        }
        Several(all) => {
            let top = best.map_or(-1.0, |c| c.score);
            all.iter().all(|(city, town)| {
                a.candidates.iter().any(|c| {
                    c.level == Level::Town
                        && c.city == *city
                        && c.town.as_deref() == Some(town)
                        && c.score == top
                })
            })
        }
        Postal(city, town) => is(Level::PostalCode, city, Some(town)),
        Municipality(city) => is(Level::Municipality, city, None),
        Reason(r) => a.candidates.is_empty() && a.reason.as_deref() == Some(r),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("want {want:?}, {}", show(a)))
    }
}

#[test]
fn table_hit_rate_is_at_least_98_percent() {
    let (gaz, _warnings) =
        match Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap()) {
            Ok(g) => g,
            Err(e) => panic!("cannot load gazetteer from {}: {e}", data_dir().display()),
        };
    assert!(TABLE.len() >= 60, "table has {} rows", TABLE.len());
    let mut misses = Vec::new();
    for (rule, query, want) in TABLE {
        let answer = gaz.geocode(query, 5);
        if let Err(why) = check(&answer, *want) {
            misses.push(format!("MISS [{rule}] {query:?}: {why}"));
        }
        // Invariants that hold for every answer.
        assert_eq!(
            answer.candidates.is_empty(),
            answer.reason.is_some(),
            "{query:?}"
        );
        for c in &answer.candidates {
            assert!(
                (0.0..=1.0).contains(&c.score),
                "{query:?}: score {}",
                c.score
            );
        }
        for w in answer.candidates.windows(2) {
            assert!(w[0].score >= w[1].score, "{query:?}: not sorted");
        }
    }
    for m in &misses {
        println!("{m}");
    }
    let hits = TABLE.len() - misses.len();
    let rate = hits as f64 / TABLE.len() as f64;
    println!("table: {hits}/{} = {:.1} %", TABLE.len(), rate * 100.0);
    assert!(
        rate >= 0.98,
        "hit rate {:.1} % < 98 %:\n{}",
        rate * 100.0,
        misses.join("\n")
    );
}
