//! `carecover population`: people per municipality — census, measured 500 m cells, estimated
//! cells outside the census files' extent, and what could not be placed; with `--holdout`, the
//! hold-out scores of every candidate weighting that chose the default.

use super::{CliError, Data};
use crate::app::population as pop;
use crate::coverage::estimate::{Counts, HoldoutReport, MunicipalEstimate, Score, Weighting};
use crate::data::Dataset;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Score every candidate weighting on the measured cells instead (hold-out).
    #[arg(long)]
    holdout: bool,
    /// With --holdout: every weighting per municipality, not only the baseline and the default.
    #[arg(long, requires = "holdout")]
    all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// The `population` answer (`--json`).
#[derive(Debug, Serialize)]
pub struct PopulationAnswer {
    pub weighting: Weighting,
    /// Whether the road layer weighted the estimate.
    pub roads: bool,
    /// Rasterising the municipality polygons into 500 m cells, and the whole estimate, ms.
    pub grid_ms: f64,
    pub estimate_ms: f64,
    pub measured_cells: usize,
    pub estimated_cells: usize,
    pub municipalities: Vec<MunicipalEstimate>,
    /// Sums over the municipalities.
    pub total: Totals,
}

/// Sums of [`MunicipalEstimate`] over the prefecture.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub census: Counts,
    pub measured: Counts,
    pub estimated: Counts,
    pub unplaced: Counts,
    pub over: Counts,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let ds = Dataset::load(&data.files, &data.manifest)?;
    let network = pop::load_road_network(&ds)?;
    let graph = network.as_ref().map(|n| &n.graph);
    if args.holdout {
        let report = pop::holdout(&ds, graph)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_holdout(&report, args.all);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let population = pop::load(&ds, graph)?;
    let Some(est) = &population.estimate else {
        return Err("the manifest has no municipal census table: nothing to estimate".into());
    };
    let mut total = Totals::default();
    for m in &est.municipalities {
        for (sum, part) in [
            (&mut total.census, m.census),
            (&mut total.measured, m.measured),
            (&mut total.estimated, m.estimated),
            (&mut total.unplaced, m.unplaced),
            (&mut total.over, m.over),
        ] {
            sum.total += part.total;
            sum.age_0_14 += part.age_0_14;
            sum.age_65_plus += part.age_65_plus;
            sum.age_75_plus += part.age_75_plus;
        }
    }
    let answer = PopulationAnswer {
        weighting: est.weighting,
        roads: est.roads,
        grid_ms: est.grid_ms,
        estimate_ms: est.build_ms,
        measured_cells: population.measured().count(),
        estimated_cells: est.cells,
        municipalities: est.municipalities.clone(),
        total,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print_population(&answer);
    }
    Ok(ExitCode::SUCCESS)
}

/// Pads to a terminal width of `width` columns, counting CJK characters as two.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn print_population(a: &PopulationAnswer) {
    println!(
        "{:<6} {} {:>9} {:>9} {:>9} {:>8} {:>7} {:>6} {:>8} {:>6}",
        "jis",
        pad("municipality", 12),
        "census",
        "measured",
        "estimated",
        "unplaced",
        "over",
        "est%",
        "cells",
        "km²"
    );
    let line = |code: &str,
                name: &str,
                c: &Counts,
                m: &Counts,
                e: &Counts,
                u: &Counts,
                o: &Counts,
                cells: usize,
                km2: f64| {
        let all = m.total + e.total;
        println!(
            "{:<6} {} {:>9.0} {:>9.0} {:>9.0} {:>8.0} {:>7.0} {:>6.1} {:>8} {:>6.0}",
            code,
            pad(name, 12),
            c.total,
            m.total,
            e.total,
            u.total,
            o.total,
            if all > 0.0 {
                100.0 * e.total / all
            } else {
                0.0
            },
            cells,
            km2 + 0.0 // no "-0" for an empty sum
        );
    };
    for m in &a.municipalities {
        line(
            &m.jis_code,
            &m.name,
            &m.census,
            &m.measured,
            &m.estimated,
            &m.unplaced,
            &m.over,
            m.outside_cells,
            m.outside_km2,
        );
    }
    let t = &a.total;
    let cells: usize = a.municipalities.iter().map(|m| m.outside_cells).sum();
    let km2: f64 = a.municipalities.iter().map(|m| m.outside_km2).sum();
    line(
        "",
        "熊本県",
        &t.census,
        &t.measured,
        &t.estimated,
        &t.unplaced,
        &t.over,
        cells,
        km2,
    );
    for m in &a.municipalities {
        let u = &m.unplaced;
        if m.outside_cells > 0 && (u.age_0_14 > 0.5 || u.age_65_plus > 0.5 || u.age_75_plus > 0.5) {
            println!(
                "{}: age residuals not placed (more than the {:.0} people placed can hold): 0–14 {:.0}, 65+ {:.0}, 75+ {:.0}",
                m.name, m.estimated.total, u.age_0_14, u.age_65_plus, u.age_75_plus
            );
        }
    }
    let placed = t.measured.total + t.estimated.total;
    let placed65 = t.measured.age_65_plus + t.estimated.age_65_plus;
    println!(
        "\nin cells: {:.0} people ({:+.2} % of the census {:.0}), 65+ {:.0} ({:+.2} % of {:.0})",
        placed,
        100.0 * (placed / t.census.total - 1.0),
        t.census.total,
        placed65,
        100.0 * (placed65 / t.census.age_65_plus - 1.0),
        t.census.age_65_plus
    );
    println!(
        "{} measured cells, {} estimated (cell, municipality) pieces; weighting {} (roads: {}); grid {:.0} ms, estimate {:.0} ms",
        a.measured_cells,
        a.estimated_cells,
        a.weighting.name,
        if a.roads { "yes" } else { "no" },
        a.grid_ms,
        a.estimate_ms
    );
    println!("cells, km²: the municipality's pieces outside the census files' extent; unplaced: people with no such cell; over: measured above the census");
}

fn score_header(first: &str) {
    println!(
        "{} {:>7} {:>9} {:>8} {:>7} {:>7}",
        pad(first, 28),
        "cells",
        "people",
        "MAE",
        "exact",
        "3×3"
    );
}

fn score_line(label: &str, s: &Score) {
    println!(
        "{} {:>7} {:>9.0} {:>8.2} {:>6.1}% {:>6.1}%",
        pad(label, 28),
        s.cells,
        s.people,
        s.mae,
        100.0 * s.exact_share,
        100.0 * s.near_share
    );
}

fn print_holdout(r: &HoldoutReport, all: bool) {
    println!(
        "hold-out on the measured cells: {} municipalities; each one's measured people spread over its cells inside the census extent by each weighting, compared per (cell, municipality) piece",
        r.municipalities.len()
    );
    println!("MAE: mean |estimated − true| per piece (people); exact: Σmin(E,T)/ΣT; 3×3: the same cell or a neighbour (exact max-flow matching)\n");
    score_header("weighting (overall)");
    for s in &r.overall {
        score_line(s.weighting, s);
    }
    println!("\ndefault: {}; grid {:.0} ms", r.default, r.grid_ms);
    let shown: Vec<&str> = if all {
        r.weightings.iter().map(|w| w.name).collect()
    } else {
        vec!["area", r.default]
    };
    println!("\nper municipality ({}):", shown.join(", "));
    score_header("municipality / weighting");
    for m in &r.municipalities {
        for s in m.scores.iter().filter(|s| shown.contains(&s.weighting)) {
            score_line(&format!("{} {}", m.name, s.weighting), s);
        }
    }
}
