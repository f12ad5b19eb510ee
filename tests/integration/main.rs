//! The one integration-test binary: runs the real `innopress` binary on small fixture sites
//! (`tests/fixtures/minimal` and the overlays in `tests/fixtures/invalid/CASE`), and the
//! importer on `tests/fixtures/import/` and the real registers.

mod architecture;
mod charts;
mod collect;
mod collect_hostile;
mod common;
mod countries;
mod dates;
mod editor;
mod hostile;
mod impact;
mod import;
mod inbox;
mod invalid;
mod links;
mod newsletter;
mod outsiders;
mod pictures;
mod preflight;
mod props;
mod serve;
mod site;
mod tools;
