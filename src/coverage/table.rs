//! The per-region coverage table printed by `carecover coverage`.

use super::{CoverageResult, Frames, RegionStats};
use std::fmt::Write;

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{:.0}", v))
}

fn row(out: &mut String, id: &str, s: &RegionStats) {
    let worst = s
        .worst_town
        .as_ref()
        .map(|w| match w.distance_km {
            Some(d) => format!("{} {:.1} km", w.name, d),
            None => format!("{} (no provider)", w.name),
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{id:>3} {name} {area:>9.1} {cov:>9.1} {gap:>9.1} {pct:>6.1} {prov:>5} {tu:>5}/{tt:<5} {pop:>9} {p65:>8} {u:>8} {u65:>8} {est:>5}  {worst}",
        name = pad(&s.name, 12),
        area = s.area_km2,
        cov = s.covered_km2,
        gap = s.gap_km2,
        pct = s.covered_pct,
        prov = s.providers_total,
        tu = s.towns_uncovered,
        tt = s.towns_total,
        pop = opt(s.people.population),
        p65 = opt(s.people.population_65_plus),
        u = opt(s.people.uncovered_population),
        u65 = opt(s.people.uncovered_65_plus),
        est = s
            .people
            .estimated_share
            .map_or_else(|| "-".to_string(), |e| format!("{e:.2}")),
    );
}

/// Pads to a terminal width of `width` columns, counting CJK characters as two.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The table: one line per region and the prefecture total, people in `year` (one of the
/// demography's years). Areas in km² (planar, zone II).
pub fn text_table(r: &CoverageResult, frames: &Frames, year: u16) -> String {
    let mut out = String::new();
    let kinds: Vec<&str> = r.params.kinds().iter().map(|k| k.name_ja()).collect();
    let _ = writeln!(
        out,
        "coverage of {} within {} km{}",
        kinds.join("・"),
        r.params.radius_km(),
        r.params
            .tier_max()
            .map(|t| format!(", tier ≤ {t}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "{:>3} {:<12} {:>9} {:>9} {:>9} {:>6} {:>5} {:>11} {:>9} {:>8} {:>8} {:>8} {:>5}  worst-served town",
        "id", "region", "area km²", "covered", "gap", "%", "prov", "towns unc.", "people", "65+", "uncov.", "unc.65+", "est."
    );
    let (rows, total) = r.stats_in(frames, year);
    for s in &rows {
        row(&mut out, &s.id.to_string(), s);
    }
    row(&mut out, "", &total);
    let basis = if year == frames.demography.base_year() {
        format!("{year} census")
    } else {
        format!("{year}, IPSS 2023 projection by municipality (75+ follows 65+)")
    };
    let _ = writeln!(
        out,
        "people: {basis}; 500 m census cells where they exist, estimated cells elsewhere; `est.` = share of the people in estimated cells"
    );
    out
}
