//! The tables, included here exactly as the library includes them (same data files, same
//! macros), and listed in the order the generated files show them.
#![allow(non_upper_case_globals)]

use crate::tables::{ConstGroup, EexRow, OptionDef, PropertyDef, ResultRow};

pub mod error {
    use crate::tables::{eex_numbers, result_codes};
    include!("../src/tables/result_codes.rs");
    include!("../src/tables/eex_numbers.rs");
}

pub mod options {
    use crate::tables::{constants, ssl_options};
    include!("../src/tables/ssl_options.rs");
    include!("../src/tables/ssl_values.rs");
}

pub mod log {
    use crate::tables::constants;
    include!("../src/tables/log_values.rs");
}

pub mod properties {
    use crate::tables::{constants, properties};
    include!("../src/tables/properties.rs");
}

pub mod message {
    use crate::tables::{constants, properties};
    include!("../src/tables/message_values.rs");
}

pub mod imap {
    use crate::tables::constants;
    include!("../src/tables/imap_values.rs");
}

pub mod proxyinfo {
    use crate::tables::constants;
    include!("../src/tables/proxy_kinds.rs");
}

pub fn result_codes() -> &'static [ResultRow] {
    error::RESULT_CODES
}

pub fn eex_numbers() -> &'static [EexRow] {
    error::EEX_NUMBERS
}

pub fn options() -> &'static [OptionDef] {
    options::OPTIONS
}

pub fn properties() -> &'static [PropertyDef] {
    properties::PROPERTIES
}

/// The Section properties (csmail_section_get_str / set_str).
pub fn section_properties() -> &'static [PropertyDef] {
    message::SECTION_PROPERTIES
}

/// The groups of plain constants, in header order.
pub fn groups() -> [&'static ConstGroup; 18] {
    include!("../src/tables/constant_groups.rs")
}
