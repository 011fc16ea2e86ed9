//! Where the gazetteer's rows come from: the address tables parsed by [`crate::data`] (one
//! CSV reader, one issue log), either as loaded with the dataset or read on their own through
//! the manifest, or CSV text handed in (tests, embedding).
//!
//! Only the hand-over happens here; building the search structures is in `index.rs`.

use std::io::Read;

use super::error::GeocodeError;
use crate::data::{
    AddressMunicipality, AddressTables, DataErrors, DataFiles, FormerMunicipality, IssueLog,
    Manifest, PostalRow, TownRecord,
};
use crate::geom::LonLat;

/// Towns file as the built-in manifest names it (labels the rows of
/// [`super::Gazetteer::from_readers`]).
pub const TOWNS_FILE: &str = "addresses/kumamoto_towns.csv";
/// Postal-code file as the built-in manifest names it.
pub const POSTAL_FILE: &str = "addresses/kumamoto_postal_codes.csv";
/// Municipalities (city/ward units) file as the built-in manifest names it.
pub const MUNICIPALITIES_FILE: &str = "addresses/kumamoto_municipalities.csv";
/// Former municipalities (merged 1991–2010) file as the built-in manifest names it.
pub const FORMER_MUNICIPALITIES_FILE: &str = "addresses/kumamoto_former_municipalities.csv";

/// A point in WGS84 degrees: (lat, lon).
pub(crate) type LatLon = (f64, f64);

/// The gazetteer's point of a data point.
pub(crate) fn latlon(p: LonLat) -> LatLon {
    (p.lat(), p.lon())
}

/// The rows a gazetteer is built from, with the file names its messages use.
pub(crate) struct Tables<'a> {
    pub towns: &'a [TownRecord],
    pub towns_file: &'a str,
    pub postal: &'a [PostalRow],
    pub postal_file: &'a str,
    pub municipalities: &'a [AddressMunicipality],
    pub municipalities_file: &'a str,
}

impl<'a> Tables<'a> {
    /// The tables of a manifest's address layers; an error names a layer the manifest lacks.
    pub(crate) fn of(t: &'a AddressTables, m: &'a Manifest) -> Result<Self, GeocodeError> {
        let (Some(postal), Some(postal_layer)) = (&t.postal_codes, &m.postal_codes) else {
            return Err(GeocodeError::MissingLayer("postal_codes"));
        };
        let (Some(munis), Some(munis_layer)) = (&t.municipalities, &m.address_municipalities)
        else {
            return Err(GeocodeError::MissingLayer("address_municipalities"));
        };
        Ok(Tables {
            towns: &t.towns,
            towns_file: &m.towns.file,
            postal,
            postal_file: &postal_layer.file,
            municipalities: munis,
            municipalities_file: &munis_layer.file,
        })
    }
}

/// Reads the address files the manifest names (and only those) from `files`.
pub(crate) fn read_tables(
    files: &DataFiles,
    manifest: &Manifest,
) -> Result<AddressTables, GeocodeError> {
    AddressTables::read(files, manifest).map_err(first_error)
}

/// Parses the three main tables from CSV text, labelled with the built-in file names.
pub(crate) fn tables_from_readers(
    towns: impl Read,
    postal_codes: impl Read,
    municipalities: impl Read,
) -> Result<AddressTables, GeocodeError> {
    let towns = read_all(towns, TOWNS_FILE)?;
    let postal = read_all(postal_codes, POSTAL_FILE)?;
    let munis = read_all(municipalities, MUNICIPALITIES_FILE)?;
    let mut log = IssueLog::default();
    let munis = crate::data::read_address_municipalities(&munis, MUNICIPALITIES_FILE, &mut log);
    let towns = crate::data::read_towns(&towns, TOWNS_FILE, &mut log);
    let postal = crate::data::read_postal_codes(&postal, POSTAL_FILE, &mut log);
    check(log)?;
    Ok(AddressTables {
        towns,
        postal_codes: Some(postal),
        municipalities: Some(munis),
        former_municipalities: None,
    })
}

/// Parses the former-municipality table from CSV text.
pub(crate) fn former_from_reader(
    input: impl Read,
) -> Result<Vec<FormerMunicipality>, GeocodeError> {
    let bytes = read_all(input, FORMER_MUNICIPALITIES_FILE)?;
    let mut log = IssueLog::default();
    let rows =
        crate::data::read_former_municipalities(&bytes, FORMER_MUNICIPALITIES_FILE, &mut log);
    check(log)?;
    Ok(rows)
}

fn read_all(mut input: impl Read, file: &str) -> Result<Vec<u8>, GeocodeError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|source| GeocodeError::Open {
            file: file.to_string(),
            source,
        })?;
    Ok(bytes)
}

fn check(log: IssueLog) -> Result<(), GeocodeError> {
    if log.has_errors() {
        return Err(first_error(DataErrors { issues: log.issues }));
    }
    Ok(())
}

/// The first error of a failed parse, as the gazetteer reports it (it stops at one).
fn first_error(errors: DataErrors) -> GeocodeError {
    errors
        .errors()
        .next()
        .map(GeocodeError::from_issue)
        .unwrap_or(GeocodeError::MissingLayer("towns"))
}
