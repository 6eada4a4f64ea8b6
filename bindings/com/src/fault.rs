//! How a failure reaches the script: a library error becomes a COM exception (EXCEPINFO) whose
//! number is `MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 + result code)`, i.e. in VB
//! `vbObjectError + 512 + result code` (CSMAIL_E_AUTH = 11 gives vbObjectError + 523), with the
//! library's text as the description; the eex number and OS error stay in the client's
//! `ExtendedError`. Misuse of the interface itself (wrong number of arguments, a value that does
//! not convert) returns the standard DISP_E_* codes, which hosts show as their usual errors.

use windows_core::{BSTR, HRESULT};

/// The first number of CSMailLib's errors: `0x80040200` (vbObjectError + 512).
pub const HRESULT_BASE: u32 = 0x8004_0200;

#[derive(Debug)]
pub enum Fault {
    /// A failure of the library: result code, eex number, text.
    Library(csmail::Error),
    /// A dispatch-level error: DISP_E_BADPARAMCOUNT, DISP_E_TYPEMISMATCH, ... The argument's
    /// position (0 = the first) where one is to blame.
    Dispatch(HRESULT, Option<u32>),
}

impl From<csmail::Error> for Fault {
    fn from(e: csmail::Error) -> Self {
        Fault::Library(e)
    }
}

/// The HRESULT a library result code is raised with.
pub fn hresult_of(result: i32) -> HRESULT {
    HRESULT((HRESULT_BASE + result as u32) as i32)
}

/// The EXCEPINFO fields of a library failure: (scode, source, description).
pub fn exception_of(class: &str, e: &csmail::Error) -> (HRESULT, BSTR, BSTR) {
    let text = if e.text.is_empty() { csmail::error::result_text(e.result).to_owned() } else { e.text.clone() };
    let name = csmail::error::eex_row(e.eex).map_or(String::new(), |r| format!(" ({} {})", r.name, r.value));
    (hresult_of(e.result), BSTR::from(format!("CSMailLib.{class}")), BSTR::from(format!("{text}{name}")))
}

/// A library error made here (argument checks of this layer).
pub fn invalid(eex: i32, text: impl Into<String>) -> Fault {
    Fault::Library(csmail::Error::new(csmail::error::CSMAIL_E_INVALID_ARGUMENT, eex, text))
}
