//! `carecover check`: load the data leniently, list every issue, print provider counts per
//! region and kind and the road layer's topology; exit code 1 when there is an error.

use super::Data;
use crate::data::{DataFiles, Dataset, ProviderKind, Severity};
use std::process::ExitCode;

/// Validates the data and prints what it holds.
pub fn run(data: &Data) -> ExitCode {
    let manifest = &data.manifest;
    let data = &data.files;
    let (ds, log) = Dataset::load_lenient(data, manifest);
    for issue in &log.issues {
        println!("{issue}");
    }
    let errors = log
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let warnings = log.issues.len() - errors;
    if let Some(ds) = &ds {
        print_counts(ds);
    }
    let mut errors = errors;
    if let Some(layer) = &manifest.roads {
        // The dataset has read (and hashed) the road files already: build from those bytes.
        let network = match &ds {
            Some(ds) => crate::routing::RoadNetwork::load_with(&|f| ds.file_bytes(f), layer),
            None => crate::routing::RoadNetwork::load(data, layer),
        };
        match network {
            Ok(net) => print_road_topology(&net),
            Err(e) => {
                println!("error: roads: {e}");
                errors += 1;
            }
        }
    }
    println!(
        "\n{errors} error(s), {warnings} warning(s) in {}",
        match data {
            DataFiles::Builtin => "the built-in data".to_string(),
            DataFiles::Folder(d) => d.display().to_string(),
        }
    );
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The road layer's size and what topology cleaning joined (line ends on other roads), with
/// the crossings left unjoined.
fn print_road_topology(net: &crate::routing::RoadNetwork) {
    let g = &net.graph;
    println!(
        "\nroads: {} nodes, {} links, {:.0} km, speed model {}",
        g.node_count(),
        g.links().len(),
        g.total_length_m() / 1000.0,
        net.speed_model.name()
    );
    if let Some(t) = g.topology() {
        let (before, after) = t.largest_share();
        println!(
            "  topology (tolerance {} m): of {} line ends, {} joined to another road's vertex, \
             {} to a segment, {} to another end; {} lines split",
            t.tolerance_m,
            t.line_ends,
            t.ends_joined_to_vertex,
            t.ends_joined_to_segment,
            t.ends_joined_to_end,
            t.lines_split
        );
        println!(
            "  components: {} before joining ({} nodes, largest {:.1} %), {} after ({} nodes, \
             largest {:.1} %)",
            t.components_before,
            t.nodes_before,
            100.0 * before,
            t.components_after,
            t.nodes_after,
            100.0 * after
        );
        let c = crate::routing::crossings(g, t.tolerance_m);
        println!(
            "  crossings with no line end within {tol} m: {} — {} at under {}° (two traces of \
             one road weaving), {} between roads (of them {} with a vertex of both within {tol} \
             m); all left unjoined: a crossing without an end may be a bridge or underpass",
            c.crossings,
            c.shallow,
            crate::routing::SHALLOW_CROSSING_DEG,
            c.crossings - c.shallow,
            c.with_vertices_near,
            tol = t.tolerance_m,
        );
    }
}

/// Per-region provider counts by kind, with a prefecture total.
fn print_counts(ds: &Dataset) {
    let counts = ds.provider_counts();
    println!(
        "\nproviders per medical region ({} providers, {} towns, data version {})",
        ds.providers.len(),
        ds.towns.len(),
        ds.version
    );
    print!("{:<4} {:<14}", "id", "region");
    for k in ProviderKind::ALL {
        print!(" {:>8}", k.short_ja());
    }
    println!();
    let mut total = [0usize; ProviderKind::ALL.len()];
    for (r, c) in ds.regions.iter().zip(&counts) {
        print!("{:<4} {:<14}", r.id, r.name);
        for (i, n) in c.iter().enumerate() {
            total[i] += n;
            print!(" {n:>8}");
        }
        println!();
    }
    print!("{:<4} {:<14}", "", "熊本県 total");
    for n in total {
        print!(" {n:>8}");
    }
    println!();
    for k in ProviderKind::ALL {
        println!("  {} = {} ({})", k.short_ja(), k.name_ja(), k.as_str());
    }
}
