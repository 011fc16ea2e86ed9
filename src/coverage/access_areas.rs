//! The E2SFCA accessibility index ([`super::access`]) of one coverage layer in one year, for
//! every 500 m cell and summed up per municipality, region and the prefecture.
//!
//! # Method
//! - Demand: the 65+ people of each cell in the year (measured or estimated, scaled by each
//!   municipality's projection; [`super::people`]), at the cell's centre.
//! - Supply: 1 per chosen provider of the layer.
//! - A municipality's, region's or the prefecture's index is the mean of its cells' indices
//!   weighted by the 65+ people each cell gives it.
//! - Indices are reported per 10 000 people 65+ ([`PER_10K_PEOPLE`]).

use super::access::{e2sfca, Access, Demand, Supply, Zones, PER_10K_PEOPLE};
use super::people::{cell_people, AGE_65_PLUS};
use super::{CoverageResult, Frames};
use crate::data::Dataset;
use crate::geom::LonLat;

/// One area's index.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaAccess {
    /// 65+ people of the area in the year (the weights of the mean).
    pub population_65_plus: f64,
    /// Providers per 10 000 people 65+, demand-weighted mean of the area's cells; `None`
    /// without people.
    pub index: Option<f64>,
}

/// The index of one layer in one year.
#[derive(Debug, Clone)]
pub struct AccessFigures {
    pub year: u16,
    /// 65+ people of each cell (same order as the population cells).
    pub cell_demand: Vec<f64>,
    /// E2SFCA result: per cell A_i (per person), per site R_j.
    pub access: Access,
    /// Same order as [`Dataset::municipalities`].
    pub municipalities: Vec<AreaAccess>,
    /// Same order as [`Frames::regions`].
    pub regions: Vec<AreaAccess>,
    pub total: AreaAccess,
    /// The layer's sites as supply points (kept to compute the index at any point).
    supply: Vec<Supply>,
    zones: Zones,
}

/// Accumulates a demand-weighted mean.
#[derive(Default, Clone, Copy)]
struct Mean {
    weight: f64,
    sum: f64,
}

impl Mean {
    fn add(&mut self, weight: f64, value: f64) {
        self.weight += weight;
        self.sum += weight * value;
    }

    fn area(self) -> AreaAccess {
        AreaAccess {
            population_65_plus: self.weight,
            index: (self.weight > 0.0).then(|| self.sum / self.weight * PER_10K_PEOPLE),
        }
    }
}

impl AccessFigures {
    /// Computes the index of layer `r` with people in `year` (one of the demography's years;
    /// an unknown year is read as the census year).
    pub fn compute(ds: &Dataset, frames: &Frames, r: &CoverageResult, year: u16) -> Self {
        let demo = &frames.demography;
        let factors = demo
            .factors(year)
            .or_else(|| demo.factors(demo.base_year()))
            .unwrap_or_default();
        let people = cell_people(&frames.population, factors);
        let cell_demand: Vec<f64> = people.iter().map(|p| p[AGE_65_PLUS]).collect();
        let demand: Vec<Demand> = frames
            .population
            .cells
            .iter()
            .zip(&cell_demand)
            .map(|(c, p)| Demand {
                at: c.center,
                people: *p,
            })
            .collect();
        let supply: Vec<Supply> = r
            .sites
            .sites
            .iter()
            .map(|s| Supply {
                at: s.location,
                amount: 1.0,
            })
            .collect();
        let zones = Zones::luo_qi_16km();
        let access = e2sfca(&demand, &supply, &zones, &ds.projection);

        let mut munis = vec![Mean::default(); ds.municipalities.len()];
        for f in &frames.municipalities {
            let fm = factors.get(f.index).map_or(1.0, |x| x[AGE_65_PLUS]);
            for &(c, w) in &f.cells {
                let p = frames.population.cells[c].pop_65_plus * w * fm;
                munis[f.index].add(p, access.index[c]);
            }
        }
        let mut regions = vec![Mean::default(); frames.regions.len()];
        let mut total = Mean::default();
        for (fi, region) in frames.regions.iter().enumerate() {
            for f in frames
                .municipalities
                .iter()
                .filter(|m| m.region_id == region.id)
            {
                let m = munis[f.index];
                regions[fi].weight += m.weight;
                regions[fi].sum += m.sum;
            }
            total.weight += regions[fi].weight;
            total.sum += regions[fi].sum;
        }
        Self {
            year,
            cell_demand,
            access,
            municipalities: munis.into_iter().map(Mean::area).collect(),
            regions: regions.into_iter().map(Mean::area).collect(),
            total: total.area(),
            supply,
            zones,
        }
    }

    /// The index at any point (a town), per 10 000 people 65+.
    pub fn at(&self, p: LonLat, proj: &crate::geom::Projection) -> f64 {
        self.access.at(p, &self.supply, &self.zones, proj) * PER_10K_PEOPLE
    }

    /// Cell `i`'s index per 10 000 people 65+.
    pub fn cell_index(&self, i: usize) -> f64 {
        self.access.index[i] * PER_10K_PEOPLE
    }
}
