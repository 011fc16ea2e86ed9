//! A seeded stand-in for libFuzzer where no nightly toolchain exists: runs every fuzz body
//! (`fuzz/bodies.rs`) on inputs mutated from the committed corpus for a fixed time per target,
//! and reports iterations and failures. Not coverage-guided: it finds shallow crashes only.
//!
//! ```sh
//! cargo run --release --example fuzz_stress -- 60      # seconds per target (default 30)
//! cargo run --release --example fuzz_stress -- 60 tile_path   # one target
//! ```
//! A failing input is written to `fuzz/artifacts/<target>/stress-<n>` (git-ignored).

#[path = "../fuzz/bodies.rs"]
mod bodies;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::time::{Duration, Instant};

fn mutate(rng: &mut ChaCha8Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    input.clear();
    if seeds.is_empty() || rng.gen_bool(0.1) {
        let n = rng.gen_range(0..256);
        input.extend((0..n).map(|_| rng.gen::<u8>()));
        return;
    }
    input.extend_from_slice(&seeds[rng.gen_range(0..seeds.len())]);
    for _ in 0..rng.gen_range(1..8) {
        let len = input.len();
        match rng.gen_range(0..6) {
            0 if len > 0 => {
                let i = rng.gen_range(0..len);
                input[i] ^= 1 << rng.gen_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.gen_range(0..len);
                input[i] = rng.gen();
            }
            2 => {
                let i = rng.gen_range(0..=len);
                let b: u8 = *b"0123456789-.,/%&=\"{}[]:eE\n\xe3\x81\x82"
                    .get(rng.gen_range(0..30))
                    .unwrap_or(&b'0');
                input.insert(i, b);
            }
            3 if len > 1 => {
                let i = rng.gen_range(0..len);
                let j = rng.gen_range(i..len.min(i + 16) + 1).min(len);
                input.drain(i..j);
            }
            4 => {
                // Splice in a piece of another seed.
                let other = &seeds[rng.gen_range(0..seeds.len())];
                if !other.is_empty() {
                    let a = rng.gen_range(0..other.len());
                    let b = rng.gen_range(a..other.len()) + 1;
                    let i = rng.gen_range(0..=len);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
            _ if len > 0 => {
                // Duplicate a run (grows inputs: long numbers, repeated rows).
                let i = rng.gen_range(0..len);
                let j = (i + rng.gen_range(1..32)).min(len);
                let run: Vec<u8> = input[i..j].to_vec();
                input.splice(j..j, run);
            }
            _ => {}
        }
    }
}

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let only = std::env::args().nth(2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    // Keep the first panic message of each target (the default hook would print millions).
    static FIRST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut f) = FIRST.lock() {
            if f.is_none() {
                *f = Some(info.to_string());
            }
        }
    }));
    let mut failed = 0;
    for (ti, (name, body)) in bodies::TARGETS.iter().enumerate() {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        if let Ok(mut f) = FIRST.lock() {
            *f = None;
        }
        let seeds: Vec<Vec<u8>> = std::fs::read_dir(root.join("corpus").join(name))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        let mut rng = ChaCha8Rng::seed_from_u64(0xca5e_c0de + ti as u64);
        let mut input = Vec::new();
        let (start, mut n, mut fails) = (Instant::now(), 0u64, 0u64);
        while start.elapsed() < Duration::from_secs(secs) {
            mutate(&mut rng, &seeds, &mut input);
            n += 1;
            if std::panic::catch_unwind(|| body(&input)).is_err() {
                fails += 1;
                let dir = root.join("artifacts").join(name);
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(dir.join(format!("stress-{fails}")), &input);
            }
        }
        println!(
            "{name:<18} {n:>9} inputs in {:>5.1} s, {fails} failing",
            start.elapsed().as_secs_f64()
        );
        if let Some(first) = FIRST.lock().ok().and_then(|f| f.clone()) {
            println!("  first failure: {first}");
        }
        failed += fails;
    }
    if failed > 0 {
        println!("{failed} failing input(s) written to fuzz/artifacts/");
        std::process::exit(1);
    }
}
