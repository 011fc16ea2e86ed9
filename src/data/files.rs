//! Where the data files come from: the built-in Kumamoto dataset (the files of `geodata/`,
//! compiled into the binary) or a folder of files (`--data DIR`).
//!
//! Either way a file is named as in the manifest (`roads/….geojson`) and may be stored plain
//! or gzipped beside that name (`roads/….geojson.gz`); readers always get the decoded bytes.
//! So a folder laid out like the source data (plain files) and the repository's `geodata/`
//! (large files gzipped) load alike, and — because the data version hashes decoded bytes —
//! give the same version as the built-in data when their content is the same.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/builtin_data.rs"));

/// Largest decoded size of one gzipped file (the probe roads are 13 MB): a corrupt or hostile
/// `.gz` cannot exhaust memory.
pub const MAX_DECODED_BYTES: u64 = 1 << 30;

/// The two bytes every gzip member starts with (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A set of data files: built in, or a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataFiles {
    /// The files of `geodata/` compiled into this binary.
    Builtin,
    /// A folder of files (plain or `.gz`), read at load time.
    Folder(PathBuf),
}

impl DataFiles {
    /// A folder, or the built-in data when none is given.
    pub fn from_option(dir: Option<&Path>) -> Self {
        match dir {
            Some(d) => Self::Folder(d.to_path_buf()),
            None => Self::Builtin,
        }
    }

    /// What answers and logs call this dataset: `builtin`, or the folder's path.
    pub fn label(&self) -> String {
        match self {
            Self::Builtin => "builtin".to_string(),
            Self::Folder(d) => d.display().to_string(),
        }
    }

    /// Where `file` is looked for, for messages: `builtin:…` or the folder path.
    pub fn describe(&self, file: &str) -> String {
        match self {
            Self::Builtin => format!("builtin:{file}"),
            Self::Folder(d) => d.join(file).display().to_string(),
        }
    }

    /// The decoded bytes of `file` (relative, `/`-separated): `file` itself, else `file.gz`.
    /// Gzipped content is recognised by its magic bytes and decoded. Errors name the file and
    /// where it was looked for.
    pub fn read(&self, file: &str) -> io::Result<Vec<u8>> {
        let stored = match self {
            Self::Builtin => builtin(file).map(<[u8]>::to_vec).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "{file} (nor {file}.gz) is not in the built-in dataset; give a data folder with --data DIR"
                    ),
                )
            })?,
            Self::Folder(dir) => read_plain_or_gz(dir, file)?,
        };
        decode(stored, &self.describe(file))
    }

    /// The paths a change of `file` shows up at (both spellings), for the folder watcher;
    /// nothing for the built-in data, which cannot change.
    pub fn watch_paths(&self, file: &str) -> Vec<PathBuf> {
        match self {
            Self::Builtin => Vec::new(),
            Self::Folder(dir) => vec![dir.join(file), dir.join(format!("{file}.gz"))],
        }
    }

    /// Every built-in file name as stored (with `.gz` where compressed).
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN_FILES.iter().map(|(name, _)| *name)
    }

    /// The stored (possibly gzipped) bytes of a built-in file, by its stored name.
    pub fn builtin_stored(name: &str) -> Option<&'static [u8]> {
        BUILTIN_FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }
}

impl From<&Path> for DataFiles {
    fn from(dir: &Path) -> Self {
        Self::Folder(dir.to_path_buf())
    }
}

impl From<&PathBuf> for DataFiles {
    fn from(dir: &PathBuf) -> Self {
        Self::Folder(dir.clone())
    }
}

impl From<PathBuf> for DataFiles {
    fn from(dir: PathBuf) -> Self {
        Self::Folder(dir)
    }
}

impl From<&DataFiles> for DataFiles {
    fn from(files: &DataFiles) -> Self {
        files.clone()
    }
}

fn builtin(file: &str) -> Option<&'static [u8]> {
    DataFiles::builtin_stored(file).or_else(|| DataFiles::builtin_stored(&format!("{file}.gz")))
}

fn read_plain_or_gz(dir: &Path, file: &str) -> io::Result<Vec<u8>> {
    let plain = dir.join(file);
    match std::fs::read(&plain) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let gz = dir.join(format!("{file}.gz"));
            std::fs::read(&gz).map_err(|e2| {
                if e2.kind() == io::ErrorKind::NotFound {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!(
                            "cannot read {} (nor {}): {e}",
                            plain.display(),
                            gz.display()
                        ),
                    )
                } else {
                    io::Error::new(e2.kind(), format!("cannot read {}: {e2}", gz.display()))
                }
            })
        }
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot read {}: {e}", plain.display()),
        )),
        ok => ok,
    }
}

/// Decodes gzip (one or more members) when the bytes start with its magic; else returns them.
fn decode(stored: Vec<u8>, what: &str) -> io::Result<Vec<u8>> {
    if !stored.starts_with(&GZIP_MAGIC) {
        return Ok(stored);
    }
    let mut out = Vec::with_capacity(stored.len().saturating_mul(6));
    flate2::read::MultiGzDecoder::new(stored.as_slice())
        .take(MAX_DECODED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{what}: bad gzip: {e}"))
        })?;
    if out.len() as u64 > MAX_DECODED_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what}: decodes to more than {MAX_DECODED_BYTES} bytes"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_folder_file_reads_plain_or_gzipped_alike() {
        let dir = std::env::temp_dir().join(format!("carecover-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.csv"), b"x,y\n1,2\n").unwrap();
        std::fs::write(dir.join("sub/b.csv.gz"), gz(b"x,y\n1,2\n")).unwrap();
        let f = DataFiles::Folder(dir.clone());
        assert_eq!(f.read("sub/a.csv").unwrap(), b"x,y\n1,2\n");
        assert_eq!(f.read("sub/b.csv").unwrap(), b"x,y\n1,2\n");
        // Named with its .gz suffix, it is still decoded.
        assert_eq!(f.read("sub/b.csv.gz").unwrap(), b"x,y\n1,2\n");
        let err = f.read("sub/c.csv").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let msg = err.to_string();
        assert!(
            msg.contains("sub/c.csv") && msg.contains("c.csv.gz"),
            "{msg}"
        );
        std::fs::write(dir.join("sub/d.csv.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3]).unwrap();
        let err = f.read("sub/d.csv").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("d.csv"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_builtin_file_decodes_and_the_manifest_files_are_built_in() {
        let m = crate::data::Manifest::builtin().unwrap();
        for file in m.files() {
            let bytes = DataFiles::Builtin
                .read(file)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(!bytes.is_empty(), "{file}");
            assert!(!bytes.starts_with(&GZIP_MAGIC), "{file} still gzipped");
        }
        let err = DataFiles::Builtin.read("no/such.csv").unwrap_err();
        assert!(err.to_string().contains("no/such.csv"), "{err}");
    }

    #[test]
    fn the_builtin_files_are_those_of_the_repository_geodata_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        for name in DataFiles::builtin_names() {
            let on_disk = std::fs::read(dir.join(name)).unwrap();
            assert_eq!(DataFiles::builtin_stored(name).unwrap(), on_disk, "{name}");
        }
    }
}
