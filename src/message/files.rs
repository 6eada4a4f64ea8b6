//! Files: a message saved to and loaded from a file, and a section's content saved into a
//! folder under a name that cannot leave it.
//!
//! The legacy SaveToFile wrote a proprietary format that only its LoadFromFile read, and that
//! format is lost. csmail writes the message as it would send it (RFC 5322, `.eml`, with Bcc),
//! which every mail program reads, and LoadFromFile reads any such file.

use super::content::Body;
use crate::error::{self, Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(crate) fn sink_error(path: &Path, e: &io::Error) -> Error {
    Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("cannot write {}: {e}", path.display())).with_os(e)
}

pub(crate) fn source_error(path: &Path, e: &io::Error) -> Error {
    Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("cannot read {}: {e}", path.display())).with_os(e)
}

fn unsafe_name(name: &str, why: &str) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexUnsafeFileName,
        format!("the file name {name:?} {why}; give a plain file name to save the section under"),
    )
}

/// Checks that `name` is one plain file name, the same on every system: not empty, no path
/// separator (`/`, `\`), no drive or stream (`:`), not `.` or `..`, no control characters, no
/// trailing dot or space (Windows drops them), not a Windows device name (CON, PRN, AUX, NUL,
/// COM1-9, LPT1-9, with or without an extension), at most 255 bytes.
pub fn check_file_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(unsafe_name(name, "is empty"));
    }
    if name.len() > 255 {
        return Err(unsafe_name(name, "is longer than 255 bytes"));
    }
    if name.contains(['/', '\\']) {
        return Err(unsafe_name(name, "contains a path separator"));
    }
    if name.contains(':') {
        return Err(unsafe_name(name, "contains ':' (a drive or a Windows stream)"));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(unsafe_name(name, "contains control characters"));
    }
    if name == "." || name == ".." {
        return Err(unsafe_name(name, "names a folder"));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Err(unsafe_name(name, "ends with a dot or a space"));
    }
    if name.contains(['<', '>', '"', '|', '?', '*']) {
        return Err(unsafe_name(name, "contains a character Windows forbids (< > \" | ? *)"));
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem[3..].chars().all(|c| c.is_ascii_digit() && c != '0'))
        || ((stem.starts_with("COM") || stem.starts_with("LPT")) && matches!(&stem[3..], "¹" | "²" | "³"));
    if device {
        return Err(unsafe_name(name, "is a Windows device name"));
    }
    Ok(())
}

/// Creates a new file for writing, never following a symbolic link planted at its place.
fn create(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

/// Writes a section's decoded content to `folder/name`, streaming a file-backed content.
pub(crate) fn save_content(body: &Body, folder: &str, name: &str) -> Result<PathBuf> {
    check_file_name(name)?;
    let folder = Path::new(folder);
    if !folder.is_dir() {
        return Err(Error::new(
            error::CSMAIL_E_IO,
            error::eexMessageSink,
            format!("{} is not a folder", folder.display()),
        ));
    }
    let path = folder.join(name);
    let mut out = create(&path).map_err(|e| sink_error(&path, &e))?;
    let written = match body {
        Body::Memory(b) => out.write_all(b),
        Body::File { path: src, .. } => {
            let mut f = File::open(src).map_err(|e| source_error(src, &e))?;
            io::copy(&mut f, &mut out).map(|_| ())
        }
    };
    if let Err(e) = written.and_then(|_| out.sync_data()) {
        drop(out);
        let _ = std::fs::remove_file(&path);
        return Err(sink_error(&path, &e));
    }
    Ok(path)
}

/// Copies a message source into a new file (synced; removed again on failure).
pub(crate) fn write_source(path: &Path, source: &mut dyn crate::protocol::source::MessageSource) -> Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, File::create(path).map_err(|e| sink_error(path, &e))?);
    let mut buf = vec![0u8; 64 * 1024];
    let r: std::result::Result<(), Error> = (|| loop {
        let n = source.read(&mut buf).map_err(|e| {
            Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("an attachment could not be read: {e}"))
                .with_os(&e)
        })?;
        if n == 0 {
            out.flush().map_err(|e| sink_error(path, &e))?;
            return out.get_ref().sync_data().map_err(|e| sink_error(path, &e));
        }
        out.write_all(&buf[..n]).map_err(|e| sink_error(path, &e))?;
    })();
    if r.is_err() {
        drop(out);
        let _ = std::fs::remove_file(path);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_file_names_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "..\\x",
            "/etc/passwd",
            "C:\\x",
            "C:x",
            "a/b",
            "CON",
            "con.txt",
            "Lpt1.log",
            "COM9",
            "NUL.tar.gz",
            "aux",
            "x\0y",
            "x\ny",
            "trail.",
            "trail ",
            "a:stream",
            "q?.txt",
            "COM¹",
        ] {
            let e = check_file_name(bad).unwrap_err();
            assert_eq!(e.eex, error::eexUnsafeFileName, "{bad:?}");
        }
        for good in ["report.pdf", "Jahresabschluß 2024.pdf", "..hidden", "a..b", "COM10", "console.txt", "LPT0"] {
            check_file_name(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
    }
}
