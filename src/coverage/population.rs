//! Census population on a 500 m grid (国勢調査 地域メッシュ統計, 4次メッシュ), read from every file the
//! manifest lists under `population.files` — another mesh file needs only a manifest line.
//!
//! # Method (how people are counted per region)
//! Each cell's counts are allocated to regions **by area share**: the file gives, per cell, the
//! share of the square inside each municipality (`muni_shares`, `jis:share|…`), and an
//! `alloc_factor` (1 / share inside Kumamoto for coastal cells, whose remainder is sea; 1 for
//! cells on the land border, whose remainder is another prefecture). A region receives
//! `count × Σ(shares of its municipalities) × alloc_factor`. A cell counts as **covered** when
//! its centre is within r (geodesic) of a chosen provider — exact for the centre, and a 500 m
//! cell is small against a 16 km radius.
//!
//! The census lists inhabited cells only: a square without a row has nobody living in it, as
//! long as it lies inside a 1st-level mesh square a file covers ([`super::regions::data_extent`]).
//!
//! Where the files say nothing, [`super::estimate`] adds estimated cells (`source`
//! [`CellSource::Estimated`]) carrying each municipality's census people not in the measured
//! cells.
//!
//! Blank (secrecy-suppressed, 秘匿) age counts are read as 0: e-Stat merges such cells (合算元)
//! into a neighbour (合算先) whose counts include them, so the people are counted there.

use crate::data::{DataErrors, Dataset, MeshRow, MeshTable};
use crate::geom::{LonLat, Projection};

/// Where a cell's counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CellSource {
    /// A row of a census mesh file.
    Measured,
    /// A municipality's census people not in the measured cells, spread over its cells
    /// outside the files' extent ([`super::estimate`]).
    Estimated,
}

/// One 500 m cell (or, for an estimated cell, its part in one municipality).
#[derive(Debug, Clone)]
pub struct PopCell {
    pub mesh_code: String,
    /// Centre of the square.
    pub center: LonLat,
    /// Planar zone II area of the whole square, km².
    pub area_km2: f64,
    pub pop_total: f64,
    /// Children 0–14 (0 where the column is missing or the count suppressed).
    pub pop_0_14: f64,
    pub pop_65_plus: f64,
    pub pop_75_plus: f64,
    /// Multiplier applied to counts when allocating them by area share.
    pub alloc_factor: f64,
    /// (region id, share of the square's area in that region).
    pub region_shares: Vec<(u8, f64)>,
    /// (position in [`Dataset::municipalities`], share of the square's area in it).
    pub muni_shares: Vec<(usize, f64)>,
    /// Measured (a census row, kept exactly as read) or estimated.
    pub source: CellSource,
}

impl PopCell {
    /// The counts by age group, in [`super::people`]'s order: total, 0–14, 65+, 75+.
    pub fn counts(&self) -> [f64; super::people::GROUPS] {
        [
            self.pop_total,
            self.pop_0_14,
            self.pop_65_plus,
            self.pop_75_plus,
        ]
    }
}

/// Every cell of every population file, and the estimated cells when they were added.
#[derive(Debug, Clone, Default)]
pub struct Population {
    pub cells: Vec<PopCell>,
    /// Files read, relative to the data folder.
    pub files: Vec<String>,
    /// Cells whose 65+ or 75+ count was blank (suppressed) and read as 0.
    pub suppressed_cells: usize,
    /// What the estimate added ([`super::estimate::estimate`]); `None` for measured cells only.
    pub estimate: Option<super::estimate::EstimateReport>,
}

impl Population {
    /// Reads every file of `manifest.population` from the dataset's data folder (parsed and
    /// checked by [`MeshTable::load`]: errors name the file, the row (1-based, header
    /// excluded) and the field).
    pub fn load(ds: &Dataset) -> Result<Self, DataErrors> {
        let table = MeshTable::load(ds)?;
        Ok(Self::from_rows(table.rows, table.files, &ds.projection))
    }

    /// The cells of checked mesh rows: counts (a blank one as 0), area in `proj`.
    pub fn from_rows(rows: Vec<MeshRow>, files: Vec<String>, proj: &Projection) -> Self {
        let mut pop = Population {
            files,
            ..Population::default()
        };
        for r in rows {
            pop.cells.push(cell(r, proj, &mut pop.suppressed_cells));
        }
        pop
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The measured cells (rows of the census files).
    pub fn measured(&self) -> impl Iterator<Item = &PopCell> {
        self.cells
            .iter()
            .filter(|c| c.source == CellSource::Measured)
    }
}

/// One cell from its row; counts a cell whose total, 65+ or 75+ count is blank.
fn cell(r: MeshRow, proj: &Projection, suppressed: &mut usize) -> PopCell {
    if r.pop_65_plus.is_none() || r.pop_75_plus.is_none() || r.pop_total.is_none() {
        *suppressed += 1;
    }
    let [lo0, la0, lo1, la1] = r.bounds;
    let corners =
        [(lo0, la0), (lo1, la0), (lo1, la1), (lo0, la1)].map(|(x, y)| proj.forward_deg(x, y));
    let area_m2 = 0.5
        * (0..4)
            .map(|j| {
                let (a, b) = (corners[j], corners[(j + 1) % 4]);
                a.x * b.y - b.x * a.y
            })
            .sum::<f64>()
            .abs();
    PopCell {
        mesh_code: r.mesh_code,
        center: r.center,
        area_km2: area_m2 / 1e6,
        pop_total: r.pop_total.unwrap_or(0.0),
        pop_0_14: r.pop_0_14.unwrap_or(0.0),
        pop_65_plus: r.pop_65_plus.unwrap_or(0.0),
        pop_75_plus: r.pop_75_plus.unwrap_or(0.0),
        alloc_factor: r.alloc_factor,
        region_shares: r.region_shares,
        muni_shares: r.muni_shares,
        source: CellSource::Measured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_has_its_planar_area_and_blank_counts_are_suppressed() {
        let row = MeshRow {
            mesh_code: "1".into(),
            bounds: [130.5, 32.5, 130.50625, 32.50416],
            center: LonLat::new(130.503125, 32.50208).unwrap(),
            pop_total: Some(10.0),
            pop_0_14: None,
            pop_65_plus: None,
            pop_75_plus: None,
            alloc_factor: 1.0,
            region_shares: vec![(1, 1.0)],
            muni_shares: vec![(0, 1.0)],
        };
        let pop = Population::from_rows(vec![row], vec!["f.csv".into()], &Projection::kumamoto());
        assert_eq!(pop.cells.len(), 1);
        assert_eq!(pop.suppressed_cells, 1);
        assert_eq!(pop.cells[0].pop_65_plus, 0.0);
        // A 500 m cell at 32.5°N is about 0.59 km × 0.46 km.
        assert!(
            (pop.cells[0].area_km2 - 0.27).abs() < 0.02,
            "{}",
            pop.cells[0].area_km2
        );
    }
}
