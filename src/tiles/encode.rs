//! Hand-written MVT 2.1 encoder: layers with deduplicated key/value tables,
//! features with optional ids, and the tile message.
//!
//! # References
//! - Mapbox Vector Tile Specification 2.1 and its `vector_tile.proto`
//!   (Tile.layers = 3; Layer: version = 15, name = 1, features = 2,
//!   keys = 3, values = 4, extent = 5; Feature: id = 1, tags = 2, type = 3,
//!   geometry = 4; Value: string = 1, float = 2, double = 3, int = 4,
//!   uint = 5, sint = 6, bool = 7).

use std::collections::HashMap;

use super::geometry::TileGeometry;
use super::pbf::{
    encode_geometry, write_bytes_field, write_key, write_packed_u32, write_varint,
    write_varint_field, zigzag64, WIRE_I32, WIRE_I64,
};
use super::{TileError, EXTENT};

/// A feature property value, mapped 1:1 to MVT `Value` fields.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// `string_value` (field 1).
    String(String),
    /// `float_value` (field 2).
    Float(f32),
    /// `double_value` (field 3).
    Double(f64),
    /// `int_value` (field 4, two's complement varint; prefer `SInt` for
    /// negative numbers, which encodes shorter).
    Int(i64),
    /// `uint_value` (field 5).
    UInt(u64),
    /// `sint_value` (field 6, zigzag varint).
    SInt(i64),
    /// `bool_value` (field 7).
    Bool(bool),
}

impl From<&str> for PropValue {
    fn from(s: &str) -> Self {
        PropValue::String(s.to_owned())
    }
}
impl From<String> for PropValue {
    fn from(s: String) -> Self {
        PropValue::String(s)
    }
}
impl From<i64> for PropValue {
    fn from(v: i64) -> Self {
        PropValue::Int(v)
    }
}
impl From<u64> for PropValue {
    fn from(v: u64) -> Self {
        PropValue::UInt(v)
    }
}
impl From<f64> for PropValue {
    fn from(v: f64) -> Self {
        PropValue::Double(v)
    }
}
impl From<bool> for PropValue {
    fn from(v: bool) -> Self {
        PropValue::Bool(v)
    }
}

/// Identity of a non-string value for deduplication (floats by bit pattern,
/// so `0.0` and `-0.0` stay distinct and NaN dedups with itself).
#[derive(Debug, Hash, PartialEq, Eq)]
enum ScalarKey {
    Float(u32),
    Double(u64),
    Int(i64),
    UInt(u64),
    SInt(i64),
    Bool(bool),
}

/// Accumulates the features of one MVT layer (version 2, extent 4096).
#[derive(Debug)]
pub struct LayerBuilder {
    name: String,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<u8>,
    value_count: u32,
    string_index: HashMap<String, u32>,
    scalar_index: HashMap<ScalarKey, u32>,
    features: Vec<u8>,
    feature_count: usize,
    geom_scratch: Vec<u32>,
    tags_scratch: Vec<u32>,
    bytes_scratch: Vec<u8>,
    feat_scratch: Vec<u8>,
}

impl LayerBuilder {
    /// An empty layer called `name` (unique within a tile).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_count: 0,
            string_index: HashMap::new(),
            scalar_index: HashMap::new(),
            features: Vec::new(),
            feature_count: 0,
            geom_scratch: Vec::new(),
            tags_scratch: Vec::new(),
            bytes_scratch: Vec::new(),
            feat_scratch: Vec::new(),
        }
    }

    /// Layer name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of features added so far.
    pub fn len(&self) -> usize {
        self.feature_count
    }

    /// Whether no feature was added.
    pub fn is_empty(&self) -> bool {
        self.feature_count == 0
    }

    /// Adds a feature. Keys and values are deduplicated across the layer;
    /// a key repeated within `props` keeps its first value. Returns `false`
    /// (and adds nothing) when `geom` encodes to no commands.
    pub fn add_feature<K: AsRef<str>>(
        &mut self,
        id: Option<u64>,
        geom: &TileGeometry,
        props: &[(K, PropValue)],
    ) -> bool {
        let geom_type = encode_geometry(geom, &mut self.geom_scratch);
        if self.geom_scratch.is_empty() {
            return false;
        }
        let mut tags = std::mem::take(&mut self.tags_scratch);
        tags.clear();
        for (k, v) in props {
            let ki = self.key(k.as_ref());
            if tags.chunks_exact(2).any(|t| t[0] == ki) {
                continue;
            }
            let vi = self.value(v);
            tags.push(ki);
            tags.push(vi);
        }
        let f = &mut self.feat_scratch;
        f.clear();
        if let Some(id) = id {
            write_varint_field(f, 1, id);
        }
        write_packed_u32(f, 2, &tags, &mut self.bytes_scratch);
        write_varint_field(f, 3, u64::from(geom_type));
        write_packed_u32(f, 4, &self.geom_scratch, &mut self.bytes_scratch);
        write_bytes_field(&mut self.features, 2, f);
        self.tags_scratch = tags;
        self.feature_count += 1;
        true
    }

    fn key(&mut self, k: &str) -> u32 {
        if let Some(&i) = self.key_index.get(k) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.to_owned());
        self.key_index.insert(k.to_owned(), i);
        i
    }

    fn value(&mut self, v: &PropValue) -> u32 {
        let scalar = match v {
            PropValue::String(s) => {
                if let Some(&i) = self.string_index.get(s.as_str()) {
                    return i;
                }
                let i = self.push_value(v);
                self.string_index.insert(s.clone(), i);
                return i;
            }
            PropValue::Float(f) => ScalarKey::Float(f.to_bits()),
            PropValue::Double(d) => ScalarKey::Double(d.to_bits()),
            PropValue::Int(n) => ScalarKey::Int(*n),
            PropValue::UInt(n) => ScalarKey::UInt(*n),
            PropValue::SInt(n) => ScalarKey::SInt(*n),
            PropValue::Bool(b) => ScalarKey::Bool(*b),
        };
        if let Some(&i) = self.scalar_index.get(&scalar) {
            return i;
        }
        let i = self.push_value(v);
        self.scalar_index.insert(scalar, i);
        i
    }

    fn push_value(&mut self, v: &PropValue) -> u32 {
        let b = &mut self.bytes_scratch;
        b.clear();
        match v {
            PropValue::String(s) => write_bytes_field(b, 1, s.as_bytes()),
            PropValue::Float(f) => {
                write_key(b, 2, WIRE_I32);
                b.extend_from_slice(&f.to_le_bytes());
            }
            PropValue::Double(d) => {
                write_key(b, 3, WIRE_I64);
                b.extend_from_slice(&d.to_le_bytes());
            }
            PropValue::Int(n) => write_varint_field(b, 4, *n as u64),
            PropValue::UInt(n) => write_varint_field(b, 5, *n),
            PropValue::SInt(n) => write_varint_field(b, 6, zigzag64(*n)),
            PropValue::Bool(x) => write_varint_field(b, 7, u64::from(*x)),
        }
        write_bytes_field(&mut self.values, 4, b);
        self.value_count += 1;
        self.value_count - 1
    }

    /// Appends the encoded `Layer` message body to `out`.
    fn encode_into(&self, out: &mut Vec<u8>) {
        write_varint_field(out, 15, 2);
        write_bytes_field(out, 1, self.name.as_bytes());
        out.extend_from_slice(&self.features);
        for k in &self.keys {
            write_bytes_field(out, 3, k.as_bytes());
        }
        out.extend_from_slice(&self.values);
        write_varint_field(out, 5, u64::from(EXTENT));
    }
}

/// Collects layers and encodes the `Tile` message.
#[derive(Debug, Default)]
pub struct TileBuilder {
    layers: Vec<LayerBuilder>,
}

impl TileBuilder {
    /// An empty tile.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a layer; empty layers are skipped silently.
    ///
    /// # Errors
    /// [`TileError::DuplicateLayer`] if a non-empty layer of that name was
    /// already added (MVT 2.1 §4.1 requires unique names).
    pub fn add_layer(&mut self, layer: LayerBuilder) -> Result<(), TileError> {
        if layer.is_empty() {
            return Ok(());
        }
        if self.layers.iter().any(|l| l.name == layer.name) {
            return Err(TileError::DuplicateLayer { name: layer.name });
        }
        self.layers.push(layer);
        Ok(())
    }

    /// Whether the tile has no (non-empty) layer.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Encodes the tile; an empty tile gives an empty `Vec` (serve `204`).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut body = Vec::new();
        for l in &self.layers {
            body.clear();
            l.encode_into(&mut body);
            write_key(&mut out, 3, super::pbf::WIRE_LEN);
            write_varint(&mut out, body.len() as u64);
            out.extend_from_slice(&body);
        }
        out
    }
}
