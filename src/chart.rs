//! Leaf: a drawn chart as plain data, its SVG with its title, description and data table:
//! what pages and email show, and what the record of a sent or frozen document keeps.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// File stem under `output/charts/` and the id prefix inside the SVG.
    pub name: String,
    pub title: String,
    pub desc: String,
    pub svg: String,
    /// The same chart drawn for a phone screen (empty in records made before it existed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub svg_narrow: String,
    pub table: DataTable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// The first cell of each row is the row header.
    pub rows: Vec<Vec<String>>,
}
