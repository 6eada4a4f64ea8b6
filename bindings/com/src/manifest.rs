//! Registration-free use: `regsvr32 /n /i:manifest csmail_com.dll` writes CSMailLib.manifest,
//! a private assembly manifest beside the DLL that lists every class (CLSID, ProgID,
//! ThreadingModel) and the type library. A program that names the assembly in its own manifest
//! (`<dependentAssembly><assemblyIdentity type="win32" name="CSMailLib" version="1.0.0.0"/>`)
//! creates the objects without any registry entry, from the DLL in its own folder.

use crate::classes::{CLASSES, LIBID, LIB_NAME, LIB_VERSION};
use std::path::Path;

/// The processor architecture of this build, as manifests name it.
pub const ARCHITECTURE: &str = if cfg!(target_pointer_width = "64") { "amd64" } else { "x86" };

/// The assembly manifest's text.
pub fn text(dll_file_name: &str) -> String {
    let libid = format!("{{{LIBID:?}}}");
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n");
    out.push_str("<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">\r\n");
    out.push_str(&format!(
        "  <assemblyIdentity type=\"win32\" name=\"{LIB_NAME}\" version=\"{}.{}.0.0\" processorArchitecture=\"{ARCHITECTURE}\"/>\r\n",
        LIB_VERSION.0, LIB_VERSION.1
    ));
    out.push_str(&format!("  <file name=\"{dll_file_name}\">\r\n"));
    for class in CLASSES {
        out.push_str(&format!(
            "    <comClass clsid=\"{{{:?}}}\" progid=\"{}\" threadingModel=\"Apartment\" tlbid=\"{libid}\" description=\"{}\"/>\r\n",
            class.clsid,
            class.prog_id(),
            class.doc
        ));
    }
    out.push_str(&format!(
        "    <typelib tlbid=\"{libid}\" version=\"{}.{}\" helpdir=\"\"/>\r\n",
        LIB_VERSION.0, LIB_VERSION.1
    ));
    out.push_str("  </file>\r\n</assembly>\r\n");
    out
}

/// Writes `<LIB_NAME>.manifest` beside the DLL.
pub fn write(dll: &str) -> std::io::Result<()> {
    let path = Path::new(dll);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::write(path.with_file_name(format!("{LIB_NAME}.manifest")), text(&name))
}
