//! Former municipalities: the 市町村 merged away between 1991 and 2010 (平成の大合併 and
//! 熊本市's absorptions), read from `addresses/kumamoto_former_municipalities.csv`.
//!
//! People still write `鹿本郡植木町岩野` or `本渡市今釜新町`. Each row maps a former name
//! (with its 郡) to the city or ward that holds all of it today and to the 町名 prefix its
//! 大字 now carry (植木町 → 熊本市北区 `植木町岩野`; 泉村 → 八代市 `泉町柿迫`; empty when
//! the 大字 kept their names, as in 本渡市 → 天草市). The matcher reads the former name,
//! then the town as if the prefix had been written.

use super::error::GeocodeError;
use super::index::{Gazetteer, UnitKind};
use super::load::{former_from_reader, FORMER_MUNICIPALITIES_FILE};
use super::normalize::name_key;
use super::trie::Trie;
use crate::data::FormerMunicipality;

/// One former municipality.
#[derive(Debug, Clone)]
pub(crate) struct FormerEntry {
    /// As written before the merger, with its 郡: `鹿本郡植木町`, `本渡市`.
    pub name: String,
    /// Date it ceased (YYYY-MM-DD).
    pub ceased: String,
    /// The unit (city, town, village or ward) that holds it today.
    pub unit: u32,
    /// Match key of the 町名 prefix its 大字 carry today (empty: names kept).
    pub prefix: Vec<char>,
}

impl Gazetteer {
    /// Adds the former-municipality table (CSV with the columns of
    /// `addresses/kumamoto_former_municipalities.csv`).
    ///
    /// Errors name the row whose `current_jis_code` is not a unit of the municipalities
    /// file; a warning names each row whose `town_prefix` begins no town of that unit.
    pub fn with_former_municipalities(
        self,
        input: impl std::io::Read,
    ) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let rows = former_from_reader(input)?;
        self.with_former_rows(&rows, FORMER_MUNICIPALITIES_FILE)
    }

    /// Adds checked former-municipality rows of `file`.
    pub(crate) fn with_former_rows(
        mut self,
        rows: &[FormerMunicipality],
        file: &str,
    ) -> Result<(Gazetteer, Vec<String>), GeocodeError> {
        let mut warnings = Vec::new();
        let mut trie = Trie::new();
        let mut formers = Vec::with_capacity(rows.len());
        for r in rows {
            let unit = self
                .units
                .iter()
                .position(|u| u.jis_code == r.jis_code)
                .ok_or_else(|| GeocodeError::Field {
                    file: file.to_string(),
                    row: r.line,
                    field: "current_jis_code".into(),
                    message: format!(
                        "{:?} is not a city or ward of the municipalities file",
                        r.jis_code
                    ),
                })? as u32;
            let prefix = name_key(&r.town_prefix);
            if !prefix.is_empty() && !self.unit_has_town_prefix(unit, &prefix) {
                warnings.push(format!(
                    "{file} row {}: no town of {} starts with {:?}",
                    r.line, self.units[unit as usize].city_full, r.town_prefix
                ));
            }
            let id = formers.len() as u32;
            trie.insert(&name_key(&format!("{}{}", r.county, r.name)), id);
            trie.insert(&name_key(&r.name), id);
            formers.push(FormerEntry {
                name: format!("{}{}", r.county, r.name),
                ceased: r.ceased.clone(),
                unit,
                prefix,
            });
        }
        self.formers = formers;
        self.former_trie = trie;
        Ok((self, warnings))
    }

    /// Number of former municipalities loaded.
    pub fn former_municipality_count(&self) -> usize {
        self.formers.len()
    }

    /// Whether some town of unit `u` (or of its wards) has a key starting with `prefix`.
    fn unit_has_town_prefix(&self, u: u32, prefix: &[char]) -> bool {
        let wards: Vec<u32> = match self.units.get(u as usize).map(|x| &x.kind) {
            Some(UnitKind::WholeCity { wards }) => wards.clone(),
            _ => vec![u],
        };
        wards.iter().any(|&w| {
            self.units
                .get(w as usize)
                .is_some_and(|unit| unit.trie.walk(Trie::ROOT, prefix.iter().copied()).is_some())
        })
    }
}
