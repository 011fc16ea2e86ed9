#![forbid(unsafe_code)]
//! carecover: home palliative-care coverage for Kumamoto prefecture.
//!
//! Layers point toward the core: `server` → `coverage` → `index` → `data` → `geom`.

pub mod app;
pub mod cli;
pub mod coverage;
pub mod data;
pub mod geocode;
pub mod geom;
pub mod index;
pub mod routing;
pub mod server;
pub mod tiles;
