#![forbid(unsafe_code)]
//! carecover: home palliative-care coverage for Kumamoto prefecture.
//!
//! Arrows point inward: `server` and `cli` → `app` (the application layer) → the engines
//! (`tiles`, `routing`, `coverage`, `index`, `geocode`) → `data` → `geom`. See
//! `docs/architecture.md` for what each module owns and the arrows as they are.

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
