//! Start-up: the whole snapshot (load, validate, index, coverage presets, roads, tile layers)
//! from the data built into the binary vs from a folder of plain files (what `--data DIR`
//! over the source layout reads, and what every start read before the data was built in),
//! and the file reading alone (gzip decoding of the built-in files vs plain reads).
//! Run: `cargo bench --bench startup`.

use carecover::app::Snapshot;
use carecover::data::{DataFiles, Manifest};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;

/// Every manifest file decoded from the built-in data, written plain under cargo's tmp dir.
fn plain_folder(m: &Manifest) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-plain-geodata");
    for file in m.files() {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, DataFiles::Builtin.read(file).unwrap()).unwrap();
    }
    dir
}

fn bench(c: &mut Criterion) {
    let m = Manifest::builtin().unwrap();
    let plain = DataFiles::Folder(plain_folder(&m));
    let builtin = DataFiles::Builtin;
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    for (name, files) in [("builtin", &builtin), ("plain_folder", &plain)] {
        g.bench_function(format!("read_all_files_{name}"), |b| {
            b.iter(|| {
                for f in m.files() {
                    black_box(files.read(f).unwrap());
                }
            })
        });
    }
    for (name, files) in [("builtin", &builtin), ("plain_folder", &plain)] {
        g.bench_function(format!("snapshot_{name}"), |b| {
            b.iter(|| black_box(Snapshot::load(files, &m).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
