//! The per-region coverage table printed by `carecover coverage`.

use super::{CoverageResult, RegionStats};
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
        "{id:>3} {name} {area:>9.1} {cov:>9.1} {gap:>9.1} {pct:>6.1} {prov:>5} {tu:>5}/{tt:<5} {pop:>9} {u:>8} {u65:>8} {share:>5.2}  {worst}",
        name = pad(&s.name, 12),
        area = s.area_km2,
        cov = s.covered_km2,
        gap = s.gap_km2,
        pct = s.covered_pct,
        prov = s.providers_total,
        tu = s.towns_uncovered,
        tt = s.towns_total,
        pop = opt(s.people.population),
        u = opt(s.people.uncovered_population),
        u65 = opt(s.people.uncovered_65_plus),
        share = s.people.population_data_share,
    );
}

/// Pads to a terminal width of `width` columns, counting CJK characters as two.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The table: one line per region and the prefecture total. Areas in km² (planar, zone II).
pub fn text_table(r: &CoverageResult) -> String {
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
        "{:>3} {:<12} {:>9} {:>9} {:>9} {:>6} {:>5} {:>11} {:>9} {:>8} {:>8} {:>5}  worst-served town",
        "id", "region", "area km²", "covered", "gap", "%", "prov", "towns unc.", "people", "uncov.", "unc.65+", "data"
    );
    for rc in &r.regions {
        row(&mut out, &rc.region_id.to_string(), &rc.stats);
    }
    row(&mut out, "", &r.total);
    let _ = writeln!(
        out,
        "people: 2020 census 500 m cells allocated by area share; `data` = share of the region's area with cells (partial figures below 1.00)"
    );
    out
}
