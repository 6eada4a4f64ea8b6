//! Client and proxy properties: one integer id per property, typed get/set functions, like
//! SSLInfo's Option table (and curl's setopt) but with a fixed type per id. The properties and
//! the authentication mechanisms are declared once, in src/tables/properties.rs; the table
//! PROPERTIES gives each property's type, access, default and objects.
#![allow(non_upper_case_globals)]

use crate::tables::{constants, properties};
pub use crate::tables::{Access, Object, PropKind, PropertyDef};

// CSMAIL_PROP_*, CSMAIL_AUTH_* and the tables PROPERTIES, AUTH_MECHANISMS:
// src/tables/properties.rs.
include!("../tables/properties.rs");

/// The row of a property id, None for an id that is not one.
pub fn find(id: i32) -> Option<&'static PropertyDef> {
    PROPERTIES.iter().find(|p| p.id == id)
}
