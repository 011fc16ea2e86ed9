//! People per area and per year: the 500 m cells (measured census cells and estimated ones,
//! see [`super::Population`]) summed per municipality and region, for the census year or a
//! projected one.
//!
//! # Method
//! - A cell's people belong to municipalities by its `muni_shares` × `alloc_factor` (area
//!   shares; an estimated cell belongs wholly to one municipality).
//! - **Years**: each municipality's people are scaled by its own projected change,
//!   projected(year) / census(2020), per age group (total, 0–14, 65+; IPSS 2023). IPSS does not
//!   project 75+ by municipality here: 75+ follows the 65+ change. So a municipality's people
//!   in a year are its projection, wherever its cells lie; a region's are the sum of its
//!   municipalities'.
//! - **Estimated share**: the share of the people living in estimated cells.

use super::{CellSource, Population};
use crate::data::{Dataset, CENSUS_YEAR};

/// Age groups of a count, in this order.
pub const GROUPS: usize = 4;
/// Index of each group in a `[f64; GROUPS]`.
pub const TOTAL: usize = 0;
pub const AGE_0_14: usize = 1;
pub const AGE_65_PLUS: usize = 2;
pub const AGE_75_PLUS: usize = 3;

/// Per-municipality growth factors for every year the data has (the census year first, all
/// factors 1).
#[derive(Debug, Clone)]
pub struct Demography {
    years: Vec<u16>,
    /// `factors[y][m]`: year `years[y]`, municipality position `m` in
    /// [`Dataset::municipalities`].
    factors: Vec<Vec<[f64; GROUPS]>>,
}

/// Why a year cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("year {year} is not in the data: one of {years}")]
pub struct YearError {
    pub year: String,
    /// The years the data has, comma separated.
    pub years: String,
}

impl Demography {
    /// The census year alone (no projection table).
    pub fn census_only(municipalities: usize) -> Self {
        Self {
            years: vec![CENSUS_YEAR],
            factors: vec![vec![[1.0; GROUPS]; municipalities]],
        }
    }

    /// Factors from the municipal table's projections: the years every municipality with a
    /// row has. A municipality without a row keeps factor 1 (its people are not scaled).
    pub fn from_dataset(ds: &Dataset) -> Self {
        let n = ds.municipalities.len();
        let mut demo = Self::census_only(n);
        let Some(first) = ds.municipal_population.first() else {
            return demo;
        };
        for p in &first.projections {
            let year = p.year;
            let mut factors = vec![[1.0; GROUPS]; n];
            let mut complete = true;
            for (m, muni) in ds.municipalities.iter().enumerate() {
                let Some(row) = ds
                    .municipal_population
                    .iter()
                    .find(|r| r.jis_code == muni.jis_code)
                else {
                    continue;
                };
                let Some(proj) = row.projected(year) else {
                    complete = false;
                    break;
                };
                let ratio = |later: u32, census: u32| {
                    if census > 0 {
                        f64::from(later) / f64::from(census)
                    } else {
                        1.0
                    }
                };
                let f65 = row
                    .pop_65_plus
                    .map(|c| ratio(proj.pop_65_plus, c))
                    .unwrap_or(1.0);
                factors[m] = [
                    ratio(proj.pop_total, row.pop_total),
                    ratio(proj.pop_0_14, row.pop_0_14),
                    f65,
                    f65,
                ];
            }
            if complete {
                demo.years.push(year);
                demo.factors.push(factors);
            }
        }
        demo
    }

    /// The years, ascending; the first is the census year.
    pub fn years(&self) -> &[u16] {
        &self.years
    }

    /// The census year (the figures of the cells as loaded).
    pub fn base_year(&self) -> u16 {
        self.years[0]
    }

    /// The factors of `year` per municipality position.
    pub fn factors(&self, year: u16) -> Option<&[[f64; GROUPS]]> {
        let i = self.years.iter().position(|y| *y == year)?;
        Some(&self.factors[i])
    }

    /// Parses a `year=` value against the years the data has.
    pub fn parse_year(&self, raw: &str) -> Result<u16, YearError> {
        raw.trim()
            .parse::<u16>()
            .ok()
            .filter(|y| self.years.contains(y))
            .ok_or_else(|| YearError {
                year: raw.to_string(),
                years: self
                    .years
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Sums of one area's people: all, beyond reach, and in estimated cells, per age group.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeopleSums {
    pub all: [f64; GROUPS],
    pub uncovered: [f64; GROUPS],
    /// People (total) in estimated cells.
    pub estimated: f64,
    /// Whether any cell contributed.
    pub any_cell: bool,
}

impl PeopleSums {
    pub fn add(&mut self, other: &PeopleSums) {
        for g in 0..GROUPS {
            self.all[g] += other.all[g];
            self.uncovered[g] += other.uncovered[g];
        }
        self.estimated += other.estimated;
        self.any_cell |= other.any_cell;
    }

    /// Share (0–1) of the people in estimated cells; 0 without people.
    pub fn estimated_share(&self) -> f64 {
        if self.all[TOTAL] > 0.0 {
            (self.estimated / self.all[TOTAL]).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The people of one municipality (position `muni`) in its cells `cells` (position in
/// `pop.cells`, weight = share × alloc factor), scaled by `factors` (one municipality's).
pub fn municipality_sums(
    cells: &[(usize, f64)],
    pop: &Population,
    covered: &[bool],
    factors: &[f64; GROUPS],
) -> PeopleSums {
    let mut s = PeopleSums::default();
    for &(i, w) in cells {
        let c = &pop.cells[i];
        let counts = c.counts();
        s.any_cell = true;
        for g in 0..GROUPS {
            let v = counts[g] * w * factors[g];
            s.all[g] += v;
            if !covered[i] {
                s.uncovered[g] += v;
            }
        }
        if c.source == CellSource::Estimated {
            s.estimated += counts[TOTAL] * w * factors[TOTAL];
        }
    }
    s
}

/// Each cell's people living in Kumamoto in a year (its counts × Σ shares × alloc factor,
/// each municipality's part scaled by its own factors), per age group.
pub fn cell_people(pop: &Population, factors: &[[f64; GROUPS]]) -> Vec<[f64; GROUPS]> {
    pop.cells
        .iter()
        .map(|c| {
            let counts = c.counts();
            let mut out = [0.0; GROUPS];
            for &(m, share) in &c.muni_shares {
                let f = factors.get(m).copied().unwrap_or([1.0; GROUPS]);
                for g in 0..GROUPS {
                    out[g] += counts[g] * share * c.alloc_factor * f[g];
                }
            }
            out
        })
        .collect()
}
