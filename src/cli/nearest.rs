//! `carecover nearest`: the nearest providers to a point, as a table or as the API's JSON.

use super::{CliError, Data};
use crate::app::Snapshot;
use crate::data::{KindFilter, KindSet};
use crate::geom::LonLat;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, allow_hyphen_values = true)]
    lat: f64,
    #[arg(long, allow_hyphen_values = true)]
    lon: f64,
    /// How many providers (1–50).
    #[arg(short, long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    k: u16,
    /// Comma list of kinds (any-of), e.g. home_care_support_clinic,home_care_support_hospital;
    /// default every medical kind. A local resource kind (home_visit_nursing, pharmacy,
    /// home_care_pharmacy, care_home, care_manager, other) lists the data's resource rows.
    #[arg(long)]
    kind: Option<String>,
    /// Comma list of kinds a provider must all hold (all-of), e.g. pediatric_primary_care.
    #[arg(long)]
    require: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(data: &Data, args: Args) -> Result<ExitCode, CliError> {
    let at = LonLat::new(args.lon, args.lat)?;
    let kinds = KindFilter {
        any: super::kind_list(args.kind.as_deref(), KindSet::medical())?,
        all: super::kind_list(args.require.as_deref(), KindSet::EMPTY)?,
    };
    let snap = Snapshot::load(&data.files, &data.manifest)?;
    print_nearest(&snap, at, args.k as usize, kinds, args.json)?;
    Ok(ExitCode::SUCCESS)
}

fn print_nearest(
    snap: &Snapshot,
    at: LonLat,
    k: usize,
    kinds: KindFilter,
    json: bool,
) -> Result<(), CliError> {
    // One typed answer for both outputs: the text is a view of what --json prints.
    let answer = crate::app::nearest::nearest_answer(
        snap,
        at,
        k,
        kinds,
        crate::app::nearest::Sort::Distance,
        None,
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    println!(
        "{:>3} {:>9} {:>10} {:>7}  {:<9} {:<30} {:<14} address",
        "#", "km", "16km", "±km", "id", "name", "phone"
    );
    for (i, r) in answer.results.iter().enumerate() {
        let p = &r.provider;
        println!(
            "{:>3} {:>9.3} {:>10} {:>7.3}  {:<9} {:<30} {:<14} {}",
            i + 1,
            r.distance_km,
            r.visit_16km.as_str(),
            r.uncertainty_km,
            p.id,
            p.name,
            p.phone,
            p.address
        );
        // A local resource names its list (and what it can do): it is not the 厚生局 list.
        if p.facility_type == crate::data::FacilityType::Resource {
            let caps = p.capabilities.join("、");
            println!(
                "{:>33}{} {}: {}{}{}",
                "",
                p.kinds.first().map_or("", |k| k.name_ja()),
                p.source_name,
                p.source_date,
                if caps.is_empty() { "" } else { " / " },
                caps
            );
        }
    }
    if answer.results.is_empty() {
        println!("no provider of the chosen kinds");
    }
    let rule = &answer.rule_16km;
    println!(
        "16 km rule: {} provider(s) of these kinds within, {} to confirm; exception (none within 16 km): {}",
        rule.providers_within,
        rule.providers_to_confirm,
        serde_json::to_value(rule.exception)?.as_str().unwrap_or("")
    );
    Ok(())
}
