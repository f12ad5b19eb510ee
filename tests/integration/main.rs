//! The one integration-test binary: runs the real `innopress` binary on small fixture sites
//! (`tests/fixtures/minimal` and the overlays in `tests/fixtures/invalid/CASE`).

mod common;
mod invalid;
mod links;
mod props;
mod site;
