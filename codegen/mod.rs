//! The generators build.rs runs: from the declarative tables in src/tables/ they write the
//! header's constant section, the README's tables and the bindings' constant files.
//!
//! Everything is rendered into strings here; build.rs writes them into OUT_DIR, and
//! tests/generated.rs compares the committed copies with them, or rewrites the committed copies
//! with CSMAIL_REGENERATE=1.

pub mod bindings;
pub mod data;
pub mod header;
pub mod readme;
pub mod text;
pub mod windows;

/// The crate's version, from Cargo.toml (cargo passes it to build.rs).
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub text: String,
}

/// The name of this generator, written into the header line of every generated file.
pub const GENERATOR: &str = "build.rs (codegen/) from the tables in src/tables/";
