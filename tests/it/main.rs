//! The integration tests, one binary: `cargo test --test it` (filter by module, e.g.
//! `cargo test --test it api_`). Modules are named by area: `api_*` HTTP answers in-process,
//! `oracle_*` checks against a brute-force or independent oracle, `coverage_*`, `data_*`,
//! `geocode_*`, `roads_*`, `tiles_*`, `ops_*` (process, limits, reload, the repository), and
//! `cli`, `browser`, `export`, `fuzz_corpus`. Shared helpers: `common` (the real data, an
//! in-process router), `tiles_common`, `reach_oracle`. Fixtures and the Python readers stay in
//! `tests/fixtures/` and `tests/py/`.

mod common;
mod reach_oracle;
mod tiles_common;

mod api_basemap;
mod api_coverage;
mod api_geocode;
mod api_isochrone;
mod api_nearest;
mod api_openapi;
mod api_resources;
mod api_roads;
mod api_tiles;
mod api_web;
mod api_web_folder;
mod browser;
mod cli;
mod coverage_geometry;
mod coverage_scenario;
mod data_errors;
mod data_provider_list;
mod data_real;
mod data_roads_pbf;
mod export;
mod fuzz_corpus;
mod geocode_generated;
mod geocode_institutions;
mod geocode_roundtrip;
mod geocode_table;
mod import_resources;
mod ops_container;
mod ops_lifecycle;
mod ops_limits;
mod ops_metrics;
mod ops_process;
mod ops_reload;
mod ops_self_contained;
mod ops_upload;
mod oracle_access;
mod oracle_index;
mod oracle_isochrone;
mod oracle_pediatric;
mod oracle_population;
mod oracle_visit_16km;
mod roads_area;
mod roads_graph;
mod roads_osm_clip;
mod roads_real;
mod roads_small;
mod roads_topology;
mod roads_topology_real;
mod static_site;
mod tiles_cache;
mod tiles_mvt_roundtrip;
mod tiles_pmtiles;
mod tiles_render;
mod tiles_winding;
