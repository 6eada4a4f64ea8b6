//! The type library (placeholder until written).
use crate::classes::Kind;
use windows::Win32::System::Com::ITypeInfo;

pub fn interface_info(_kind: Kind) -> Option<ITypeInfo> {
    None
}
pub fn class_info(_kind: Kind) -> Option<ITypeInfo> {
    None
}

pub fn register(_dll: &str, _per_user: bool) -> windows_core::Result<()> {
    Ok(())
}
pub fn unregister() {}
