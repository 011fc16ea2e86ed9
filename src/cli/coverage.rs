//! `carecover coverage`: coverage per medical region (straight line and, with a road layer, by
//! road), the towns the straight-line map flatters most, and optionally the polygons as GeoJSON.

use super::{CliError, Data};
use crate::app::Snapshot;
use crate::coverage::{text_table, CoverageParams};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Comma list of kinds (any-of); default home_care_support_clinic,home_care_support_hospital.
    #[arg(long)]
    kind: Option<String>,
    /// Service radius, km (1–50).
    #[arg(long, default_value_t = crate::app::rules::DEFAULT_RADIUS_KM)]
    radius_km: f64,
    /// Only providers whose home-care support tier is at most this (1–3).
    #[arg(long)]
    tier_max: Option<u8>,
    /// Also write the coverage and gap polygons as GeoJSON to this file.
    #[arg(long)]
    geojson: Option<PathBuf>,
    /// Year of the people figures: 2020 (census, default) or a projected year (2025–2050).
    #[arg(long)]
    year: Option<String>,
    /// Print the answer of `GET /api/v1/regions` as JSON instead of the table.
    #[arg(long)]
    json: bool,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let kinds = super::kind_list(args.kind.as_deref(), crate::app::rules::home_care_kinds())?;
    let params = CoverageParams::new(kinds, args.radius_km, args.tier_max.map(i64::from))?;
    let snap = Snapshot::load(&data.files, &data.manifest)?;
    let frames = &snap.coverage.frames;
    let year = match &args.year {
        Some(y) => frames
            .demography
            .parse_year(y)
            .map_err(|e| format!("--year: {e}"))?,
        None => frames.demography.base_year(),
    };
    let layer = snap.coverage.get(&snap.dataset, params);
    if let Some(path) = &args.geojson {
        let fc = crate::app::planner::CoverageAnswer::new(&snap, &layer);
        std::fs::write(path, serde_json::to_vec(&fc)?)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        let answer = crate::app::planner::RegionsAnswer::new(&snap, &layer, year);
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", text_table(&layer, frames, year));
    if let Some(roads) = &snap.roads {
        println!();
        print!("{}", roads.area.text_table());
        print_flattered(roads, 10);
    }
    Ok(ExitCode::SUCCESS)
}

/// The towns the straight-line map flatters most: within 16 km of a home-care provider in a
/// straight line, farthest beyond it by road. Towns in regions with too little road data are
/// marked: there a long detour may be a road missing from the network.
fn print_flattered(roads: &crate::routing::Roads, n: usize) {
    let mut all: Vec<(&crate::routing::FlatteredTown, bool)> = roads
        .coverage
        .regions
        .iter()
        .flat_map(|r| {
            let sparse = roads
                .area
                .region(r.region_id)
                .is_none_or(|a| a.reason.is_some());
            r.towns_flattered.iter().map(move |f| (f, sparse))
        })
        .collect();
    all.sort_by(|a, b| b.0.detour_km().total_cmp(&a.0.detour_km()));
    println!(
        "\n{} towns are within {} km of a home-care provider in a straight line but farther by road; the largest detours:",
        all.len(),
        roads.coverage.radius_km
    );
    for (f, sparse) in all.iter().take(n) {
        println!(
            "  {}{}  straight {:.1} km, by road {:.1} km (+{:.1}){}",
            f.city,
            f.town,
            f.straight_km,
            f.road_km,
            f.detour_km(),
            if *sparse {
                "  [region with sparse road data]"
            } else {
                ""
            }
        );
    }
}
