//! Geocoding speed on a mix of real Kumamoto addresses.
//!
//! Run with `cargo bench --bench geocode`. Data folder: `CARECOVER_DATA`
//! if set, else the repository's `geodata/` (plain or gzipped files).

use std::hint::black_box;
use std::path::PathBuf;

use carecover::geocode::Gazetteer;
use criterion::{criterion_group, criterion_main, Criterion};

/// ~20 addresses covering the usual shapes: full addresses with 丁目 and
/// house numbers, 郡 present/omitted, 大字, ward-less 熊本市, postal codes,
/// fallbacks and misses.
const QUERIES: [&str; 20] = [
    "熊本市中央区水前寺６丁目１８－１",
    "熊本県熊本市中央区水前寺公園3-1",
    "熊本市東区健軍本町1-1",
    "八代市松江城町5-10",
    "上益城郡益城町大字木山236",
    "益城町福富1010",
    "熊本市西区二本木二丁目5番3号",
    "阿蘇市一の宮町宮地5800",
    "球磨郡山江村大字万江1234",
    "芦北町国見500",
    "上益城郡山都町市の原100",
    "菊池郡菊陽町武蔵が丘一丁目2-3",
    "熊本市南区八幡十一丁目4-2",
    "熊本市三郎1丁目",
    "〒862-0950",
    "〒866-0862 八代市松江城町",
    "人吉市下原田町字上野",
    "天草市",
    "東京都千代田区千代田1-1",
    "ふじこふじこ",
];

fn data_dir() -> PathBuf {
    std::env::var_os("CARECOVER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")))
}

fn bench(c: &mut Criterion) {
    let (gaz, _) = match Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap())
    {
        Ok(g) => g,
        Err(e) => panic!("cannot load gazetteer: {e}"),
    };
    c.bench_function("geocode_mix_20_addresses", |b| {
        b.iter(|| {
            for q in QUERIES {
                black_box(gaz.geocode(black_box(q), 5));
            }
        })
    });
    c.bench_function("geocode_one_full_address", |b| {
        b.iter(|| black_box(gaz.geocode(black_box(QUERIES[0]), 5)))
    });
    // Issue 19's ways in: a former municipality name, no municipality (prefecture-wide
    // search over every unit), kana (municipality and 大字 readings), an ambiguous name.
    for (name, q) in [
        ("geocode_former_name", "鹿本郡植木町大字岩野238番地1"),
        ("geocode_current_plus_former", "八代市泉村柿迫1234"),
        ("geocode_no_municipality", "水前寺6-18-1"),
        ("geocode_no_municipality_ambiguous", "宮原 100"),
        (
            "geocode_kana_hiragana",
            "くまもとし ちゅうおうく すいぜんじ 6-18-1",
        ),
        ("geocode_kana_halfwidth", "ｸﾏﾓﾄｼﾁｭｳｵｳｸｽｲｾﾞﾝｼﾞ6-18-1"),
        ("geocode_kana_no_municipality", "すいぜんじこうえん 3-1"),
    ] {
        c.bench_function(name, |b| b.iter(|| black_box(gaz.geocode(black_box(q), 5))));
    }
    c.bench_function("load_gazetteer", |b| {
        b.iter(|| {
            black_box(
                Gazetteer::load(data_dir(), &carecover::data::Manifest::builtin().unwrap()).is_ok(),
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
