//! The declarative tables: every result code, eex number, SSLInfo option, client and proxy
//! property and legacy constant is declared once, as one row of a data file in this folder.
//!
//! Each data file is a single invocation of one of the macros below. The library includes it
//! (`include!`) in the module that owns the constants — `error.rs` the result codes and eex
//! numbers, `options.rs` the SSLInfo options and their value constants, `log.rs` the LogHandler
//! constants, `api/properties.rs` the properties, mechanisms and proxy kinds, `message/mod.rs` the Section
//! properties and the message limits — and the macro
//! makes every row a documented `pub const` plus one row of a static table.
//!
//! `build.rs` includes this module and the same data files (see `codegen/`): from the static
//! tables it writes the header's constants (cbindgen does not expand macros), the README's
//! tables and the constant files of the bindings, and tests check every committed copy.
//!
//! So a new code, option or property is one new row, with its text: a row cannot be written
//! without one, and nothing else needs editing by hand.
//!
//! This file is plain Rust without `crate::` paths, because build.rs compiles it too.
#![allow(dead_code)]

/// One integer constant of a group (protocol values, modes, levels, mechanisms ...).
#[derive(Clone, Copy, Debug)]
pub struct ConstRow {
    /// The Rust name, and the C name as well (the legacy name when it has no `CSMAIL_` prefix).
    pub name: &'static str,
    pub value: i32,
    /// The value as written in the table (`0x0080`), so the generated files keep hex as hex.
    pub literal: &'static str,
    /// Further legacy names with the same value (seed 000's `mailCertificateNone`, ...).
    pub aliases: &'static [&'static str],
    pub doc: &'static str,
}

/// A group of constants with a title (one block in the header, one table in the bindings).
#[derive(Clone, Copy, Debug)]
pub struct ConstGroup {
    pub title: &'static str,
    pub rows: &'static [ConstRow],
}

/// A result code: the return value of every C function.
#[derive(Clone, Copy, Debug)]
pub struct ResultRow {
    pub name: &'static str,
    pub value: i32,
    /// The short text `csmail_strerror` returns.
    pub text: &'static str,
    /// Legacy names of the same code (the VB error `errConnect`).
    pub aliases: &'static [&'static str],
    pub doc: &'static str,
}

/// An ErrorInfo `Number` (eex): its legacy name and what it means.
#[derive(Clone, Copy, Debug)]
pub struct EexRow {
    pub name: &'static str,
    pub value: i32,
    pub doc: &'static str,
}

/// The type of an SSLInfo option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    IntArray,
    Str,
}

/// Who may read and write an option or property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Set by the application, read back as set.
    ReadWrite,
    /// Filled by the library; setting it is refused.
    ReadOnly,
    /// A secret: it can be set, never read back.
    WriteOnly,
}

/// One row of the SSLInfo option table.
#[derive(Clone, Copy, Debug)]
pub struct OptionDef {
    pub index: i32,
    pub name: &'static str,
    pub kind: Kind,
    pub access: Access,
    /// Output options (`Access::ReadOnly`) are filled by the library after a TLS connect and
    /// refuse to be set.
    pub output: bool,
    /// Default for Bool and Int options (arrays start empty, strings "").
    pub default: i32,
    /// What the option does: the rustdoc, the header comment and the README's text.
    pub doc: &'static str,
}

/// The type of a client or proxy property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropKind {
    Int,
    Str,
}

/// The objects a property applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    Smtp,
    Pop3,
    Imap,
    Proxy,
    /// A Message's section (csmail_section_get_str / set_str).
    Section,
}

/// One row of a property table (csmail_smtp_/pop3_/proxyinfo_ get/set, csmail_section_get/set_str).
#[derive(Clone, Copy, Debug)]
pub struct PropertyDef {
    /// The constant's name, `CSMAIL_PROP_...`.
    pub constant: &'static str,
    pub id: i32,
    /// The property's name in the object model (bindings use it).
    pub name: &'static str,
    pub kind: PropKind,
    pub access: Access,
    /// The default, as documentation text.
    pub default: &'static str,
    pub objects: &'static [Object],
    pub doc: &'static str,
}

/// `constants! { GROUP_STATIC, "title"; /// doc \n NAME = value [, legacy alias]*; ... }`
macro_rules! constants {
    ($table:ident, $title:literal;
     $( $(#[doc = $doc:literal])+ $name:ident = $value:expr $(, legacy $alias:ident)* ; )*) => {
        $( $(#[doc = $doc])+ pub const $name: i32 = $value; )*
        /// The rows above, for the generators (header, README, bindings).
        pub static $table: $crate::tables::ConstGroup = $crate::tables::ConstGroup {
            title: $title,
            rows: &[$($crate::tables::ConstRow {
                name: stringify!($name),
                value: $name,
                literal: stringify!($value),
                aliases: &[$(stringify!($alias)),*],
                doc: concat!($($doc),+),
            }),*],
        };
    };
}

/// `result_codes! { /// doc \n NAME = value, "strerror text" [, legacy alias]*; ... }`
macro_rules! result_codes {
    ($( $(#[doc = $doc:literal])+ $name:ident = $value:expr, $text:literal $(, legacy $alias:ident)* ; )*) => {
        $( $(#[doc = $doc])+ pub const $name: i32 = $value; )*
        /// Every result code, in the order of the table.
        pub static RESULT_CODES: &[$crate::tables::ResultRow] = &[$($crate::tables::ResultRow {
            name: stringify!($name),
            value: $name,
            text: $text,
            aliases: &[$(stringify!($alias)),*],
            doc: concat!($($doc),+),
        }),*];
    };
}

/// `eex_numbers! { /// meaning \n eexName = value; ... }`
macro_rules! eex_numbers {
    ($( $(#[doc = $doc:literal])+ $name:ident = $value:expr ; )*) => {
        $( $(#[doc = $doc])+ pub const $name: i32 = $value; )*
        /// Every eex number, in the order of the table.
        pub static EEX_NUMBERS: &[$crate::tables::EexRow] = &[$($crate::tables::EexRow {
            name: stringify!($name),
            value: $name,
            doc: concat!($($doc),+),
        }),*];
    };
}

/// `ssl_options! { /// doc \n SSLName = index, Kind, Access, default; ... }`
macro_rules! ssl_options {
    ($( $(#[doc = $doc:literal])+ $name:ident = $index:expr, $kind:ident, $access:ident, $default:expr ; )*) => {
        $( $(#[doc = $doc])+ pub const $name: i32 = $index; )*
        /// Every SSLInfo option, in the order of the table.
        pub static OPTIONS: &[$crate::tables::OptionDef] = &[$($crate::tables::OptionDef {
            index: $name,
            name: stringify!($name),
            kind: $crate::tables::Kind::$kind,
            access: $crate::tables::Access::$access,
            output: matches!($crate::tables::Access::$access, $crate::tables::Access::ReadOnly),
            default: $default,
            doc: concat!($($doc),+),
        }),*];
    };
}

/// `properties! { STATIC; /// doc \n CSMAIL_PROP_X = id, "Name", Kind, Access, default "text", [Objects]; ... }`
macro_rules! properties {
    ($table:ident;
     $( $(#[doc = $doc:literal])+ $constant:ident = $id:expr, $name:literal, $kind:ident, $access:ident,
        default $default:literal, [$($object:ident),+] ; )*) => {
        $( $(#[doc = $doc])+ pub const $constant: i32 = $id; )*
        /// The rows above, for validation and the generators.
        pub static $table: &[$crate::tables::PropertyDef] = &[$($crate::tables::PropertyDef {
            constant: stringify!($constant),
            id: $constant,
            name: $name,
            kind: $crate::tables::PropKind::$kind,
            access: $crate::tables::Access::$access,
            default: $default,
            objects: &[$($crate::tables::Object::$object),+],
            doc: concat!($($doc),+),
        }),*];
    };
}

pub(crate) use {constants, eex_numbers, properties, result_codes, ssl_options};
