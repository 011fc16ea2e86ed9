//! `carecover import`'s work without the file reading: decode, validate, geocode every row,
//! check the points against the medical regions, write the checked CSV — on 熊本市's 400
//! pharmacies without their coordinates (`tests/fixtures/kumamoto_city_pharmacies_geocoded.csv`
//! minus lat, lon, geocode_level), as UTF-8 and as Shift_JIS. Reported as rows per second.
//! Run: `cargo bench --bench import`.

use carecover::app::resource_import::{import_resources, ImportOptions, TextEncoding};
use carecover::data::{DataFiles, Dataset, Manifest, ProviderKind};
use carecover::geocode::Gazetteer;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

/// The pharmacy list without its coordinates, as UTF-8 CSV bytes, and its row count.
fn pharmacies() -> (Vec<u8>, usize) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/kumamoto_city_pharmacies_geocoded.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !["lat", "lon", "geocode_level"].contains(&&headers[i]))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(keep.iter().map(|&i| &headers[i])).unwrap();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        w.write_record(keep.iter().map(|&i| &r[i])).unwrap();
        n += 1;
    }
    (w.into_inner().unwrap(), n)
}

fn bench(c: &mut Criterion) {
    let ds = Dataset::load(DataFiles::Builtin, &Manifest::builtin().unwrap()).unwrap();
    let gaz = Gazetteer::from_dataset(&ds).unwrap();
    let (utf8, rows) = pharmacies();
    let sjis = encoding_rs::SHIFT_JIS
        .encode(std::str::from_utf8(&utf8).unwrap())
        .0
        .into_owned();
    let opts = ImportOptions {
        kind: Some(ProviderKind::Pharmacy),
        encoding: TextEncoding::Auto,
    };
    let check = import_resources(&utf8, "ph.csv", &opts, &ds, &gaz);
    assert!(check.report.errors.is_empty() && check.report.placed.town == rows);

    let mut g = c.benchmark_group("import");
    g.throughput(Throughput::Elements(rows as u64));
    g.bench_function("pharmacies_400_utf8", |b| {
        b.iter(|| {
            black_box(import_resources(
                black_box(&utf8),
                "ph.csv",
                &opts,
                &ds,
                &gaz,
            ))
        })
    });
    g.bench_function("pharmacies_400_shift_jis", |b| {
        b.iter(|| {
            black_box(import_resources(
                black_box(&sjis),
                "ph.csv",
                &opts,
                &ds,
                &gaz,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
