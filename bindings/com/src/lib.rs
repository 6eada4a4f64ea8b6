//! CSMailLib: an in-process COM server over csmail, so that VBScript, JScript, classic ASP,
//! the Windows Script Host, VBA and VB6 can write `CreateObject("CSMailLib.SMTPClient")` as they
//! did with the legacy library. Windows only: on other systems this crate is empty.
//!
//! - `classes`: the coclasses (ProgIDs, CLSIDs, IIDs).
//! - `members`: every interface's members, from the library's tables plus the operations.
//! - `object`: the COM object (IDispatch, IProvideClassInfo, IConnectionPointContainer).
//! - `behaviour`: what each member calls in the csmail Rust API; `imap`: IMAPClient's members.
//! - `variant`, `fault`: VARIANT conversions and errors as COM exceptions.
//! - `events`: LogHandler.OnLogMessage and the clients' OnProgress through connection points.
//! - `factory`, `register`: the DLL's COM entry points and (un)registration.
//! - `typelib`: the type library written with ICreateTypeLib2.
//! - `manifest`: the assembly manifest for registration-free use.
//!
//! COM's contract is raw pointers, so this crate is unsafe at its edges; every unsafe block says
//! what makes it sound.
#![cfg(windows)]
#![allow(non_snake_case)]

mod behaviour;
mod classes;
mod events;
mod factory;
mod fault;
mod imap;
mod manifest;
mod members;
mod object;
mod register;
mod typelib;
mod variant;

pub use factory::{DllCanUnloadNow, DllGetClassObject};
pub use register::{DllInstall, DllRegisterServer, DllUnregisterServer};
