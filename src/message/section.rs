//! The Section object: one MIME part — its content type and parameters, charset, transfer
//! encoding, file name, content id, disposition, other headers, decoded content, and the parts
//! nested in it. Sections are shared (`Arc`) so a handle stays valid while the message changes.

pub(crate) use super::content::Body;
use super::headers::{self, check_name, check_value};
use crate::error::{self, Error, Result};
use parking_lot::Mutex;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub(crate) struct Part {
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// Content-Type parameters other than charset, boundary and name.
    pub params: Vec<(String, String)>,
    pub charset: Option<String>,
    pub transfer_encoding: Option<String>,
    /// `attachment` or `inline`.
    pub disposition: Option<String>,
    pub filename: Option<String>,
    /// Without angle brackets.
    pub content_id: Option<String>,
    /// Other headers (Content-Description, Content-Location, X-...), decoded.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub children: Vec<Arc<Section>>,
    /// The multipart boundary: as read, or made at the first write and kept, so the same
    /// message always gives the same bytes.
    pub boundary: Option<String>,
    /// Changed at every edit (see `next_version`).
    pub version: u64,
}

/// Versions come from one counter, so an edit anywhere is newer than any bytes composed before.
static VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
pub(crate) fn next_version() -> u64 {
    VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Part {
    pub fn new(content_type: &str) -> Part {
        Part {
            content_type: content_type.to_ascii_lowercase(),
            params: Vec::new(),
            charset: None,
            transfer_encoding: None,
            disposition: None,
            filename: None,
            content_id: None,
            headers: Vec::new(),
            body: Body::Memory(Arc::new(Vec::new())),
            children: Vec::new(),
            boundary: None,
            version: next_version(),
        }
    }
}

/// One MIME part.
#[derive(Debug)]
pub struct Section {
    pub(crate) part: Mutex<Part>,
}

fn bad_value(text: String) -> Error {
    Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexInvalidHeader, text)
}

/// A MIME token (type, subtype, parameter name): RFC 2045 token characters only.
fn check_token(what: &str, t: &str) -> Result<()> {
    const TSPECIALS: &[u8] = b"()<>@,;:\\\"/[]?=";
    if t.is_empty() || !t.bytes().all(|b| (33..=126).contains(&b) && !TSPECIALS.contains(&b)) {
        return Err(bad_value(format!(
            "{what} {t:?} is not a MIME token (ASCII letters, digits, - . _ + and the like)"
        )));
    }
    Ok(())
}

/// Checks `type/subtype`.
pub(crate) fn check_content_type(ct: &str) -> Result<()> {
    match ct.split_once('/') {
        Some((t, s)) => check_token("the type", t).and_then(|_| check_token("the subtype", s)),
        None => Err(bad_value(format!("{ct:?} is not a content type: give type/subtype, e.g. application/pdf"))),
    }
}

impl Section {
    /// Locks the part for a change and gives it a new version, so a message that holds it knows
    /// its cached bytes are stale.
    fn edit(&self) -> parking_lot::MutexGuard<'_, Part> {
        let mut p = self.part.lock();
        p.version = next_version();
        p
    }

    /// The newest version of this section and everything below it.
    pub(crate) fn version(&self) -> u64 {
        let p = self.part.lock();
        let own = p.version;
        let children = p.children.clone();
        drop(p);
        children.iter().map(|c| c.version()).fold(own, u64::max)
    }

    pub(crate) fn from_part(part: Part) -> Arc<Section> {
        Arc::new(Section { part: Mutex::new(part) })
    }

    /// A new, empty, free-standing section of the given content type (`text/plain` when empty).
    pub fn new(content_type: &str) -> Result<Arc<Section>> {
        let ct = if content_type.is_empty() { "text/plain" } else { content_type };
        check_content_type(ct)?;
        Ok(Section::from_part(Part::new(ct)))
    }

    pub fn content_type(&self) -> String {
        self.part.lock().content_type.clone()
    }
    pub fn set_content_type(&self, ct: &str) -> Result<()> {
        check_content_type(ct)?;
        let mut p = self.edit();
        if !p.children.is_empty() && !ct.to_ascii_lowercase().starts_with("multipart/") {
            return Err(bad_value("a section with nested sections must stay multipart/*".into()));
        }
        p.content_type = ct.to_ascii_lowercase();
        Ok(())
    }
    pub fn is_multipart(&self) -> bool {
        self.part.lock().content_type.starts_with("multipart/")
    }

    /// A Content-Type parameter (charset and name included), "" when absent.
    pub fn param(&self, name: &str) -> Option<String> {
        let p = self.part.lock();
        match name.to_ascii_lowercase().as_str() {
            "charset" => p.charset.clone(),
            "name" => p.filename.clone(),
            n => p.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.clone()),
        }
    }
    /// Sets (or with None removes) a Content-Type parameter; `boundary` is csmail's own.
    pub fn set_param(&self, name: &str, value: Option<&str>) -> Result<()> {
        check_token("the parameter name", name)?;
        if let Some(v) = value {
            check_value(name, v)?;
        }
        let lower = name.to_ascii_lowercase();
        let mut p = self.edit();
        match lower.as_str() {
            "boundary" => return Err(bad_value("csmail makes the multipart boundary itself".into())),
            "charset" => p.charset = value.map(str::to_owned),
            "name" => p.filename = value.map(str::to_owned),
            _ => {
                p.params.retain(|(k, _)| !k.eq_ignore_ascii_case(&lower));
                if let Some(v) = value {
                    p.params.push((lower, v.to_owned()));
                }
            }
        }
        Ok(())
    }
    /// Every Content-Type parameter as (name, value), charset and name first.
    pub fn params(&self) -> Vec<(String, String)> {
        let p = self.part.lock();
        let mut v = Vec::new();
        if let Some(c) = &p.charset {
            v.push(("charset".to_owned(), c.clone()));
        }
        v.extend(p.params.iter().cloned());
        v
    }

    pub fn charset(&self) -> Option<String> {
        self.part.lock().charset.clone()
    }
    pub fn set_charset(&self, charset: Option<&str>) -> Result<()> {
        self.set_param("charset", charset)
    }
    /// The transfer encoding the part was received with (base64, quoted-printable, 7bit, 8bit),
    /// None for a composed part: csmail chooses a 7-bit-safe one when it writes the message.
    pub fn transfer_encoding(&self) -> Option<String> {
        self.part.lock().transfer_encoding.clone()
    }
    pub fn file_name(&self) -> Option<String> {
        self.part.lock().filename.clone()
    }
    /// Sets the file name (written as the `filename` of Content-Disposition, RFC 2231-encoded
    /// when long or not ASCII). Any text is stored; SaveToFile checks it before use.
    pub fn set_file_name(&self, name: Option<&str>) -> Result<()> {
        if let Some(n) = name {
            check_value("the file name", n)?;
        }
        self.edit().filename = name.map(str::to_owned);
        Ok(())
    }
    pub fn content_id(&self) -> Option<String> {
        self.part.lock().content_id.clone()
    }
    /// Sets the Content-ID (without angle brackets), which HTML refers to as `cid:...`.
    pub fn set_content_id(&self, id: Option<&str>) -> Result<()> {
        if let Some(i) = id {
            let i = i.trim_start_matches('<').trim_end_matches('>');
            if i.is_empty() || !i.bytes().all(|b| (33..=126).contains(&b) && b != b'<' && b != b'>') {
                return Err(bad_value(format!("{i:?} is not a content id (printable ASCII, no spaces)")));
            }
            self.edit().content_id = Some(i.to_owned());
        } else {
            self.edit().content_id = None;
        }
        Ok(())
    }
    /// `attachment`, `inline` or None.
    pub fn disposition(&self) -> Option<String> {
        self.part.lock().disposition.clone()
    }
    pub fn set_disposition(&self, d: Option<&str>) -> Result<()> {
        if let Some(d) = d {
            check_token("the disposition", d)?;
        }
        self.edit().disposition = d.map(|d| d.to_ascii_lowercase());
        Ok(())
    }
    /// Whether this part is an attachment: a declared `attachment`, or a leaf that is neither a
    /// body text nor an inline part referenced by Content-ID.
    pub fn is_attachment(&self) -> bool {
        let p = self.part.lock();
        if p.content_type.starts_with("multipart/") {
            return false;
        }
        match p.disposition.as_deref() {
            Some("attachment") => true,
            Some("inline") => p.filename.is_some() && p.content_id.is_none() && !p.content_type.starts_with("text/"),
            _ => !(p.content_type == "text/plain" || p.content_type == "text/html" || p.content_id.is_some()),
        }
    }

    /// Other headers of the part (not Content-Type, -Transfer-Encoding, -Disposition, -ID).
    pub fn headers(&self) -> Vec<(String, String)> {
        self.part.lock().headers.clone()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.part.lock().headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
    /// Sets a header of the part (replacing those of the name); the MIME headers are set
    /// through their own properties.
    pub fn set_header(&self, name: &str, value: &str) -> Result<()> {
        check_part_header(name, value)?;
        let mut p = self.edit();
        p.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        p.headers.push((headers::canonical_name(name), value.to_owned()));
        Ok(())
    }
    pub fn remove_header(&self, name: &str) -> bool {
        let mut p = self.edit();
        let before = p.headers.len();
        p.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        before != p.headers.len()
    }

    /// The decoded content (transfer encoding undone, charset kept). A part whose content
    /// is a file is read from it.
    pub fn content(&self) -> Result<Vec<u8>> {
        let body = self.part.lock().body.clone();
        match body {
            Body::Memory(b) => Ok(b.as_ref().clone()),
            Body::File { path, .. } => std::fs::read(&path).map_err(|e| {
                Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("cannot read {}: {e}", path.display()))
                    .with_os(&e)
            }),
        }
    }
    /// The content size in bytes (decoded).
    pub fn size(&self) -> u64 {
        match &self.part.lock().body {
            Body::Memory(b) => b.len() as u64,
            Body::File { len, .. } => *len,
        }
    }
    /// The content as text: decoded from the part's charset (UTF-8 when none), invalid
    /// sequences replaced.
    pub fn text(&self) -> Result<String> {
        let bytes = self.content()?;
        let cs = self.charset().unwrap_or_default();
        Ok(decode_charset(&cs, &bytes))
    }
    /// Replaces the content with bytes.
    pub fn set_content(&self, data: Vec<u8>) -> Result<()> {
        let mut p = self.edit();
        if p.content_type.starts_with("multipart/") {
            return Err(bad_value("a multipart section has nested sections, not content".into()));
        }
        p.body = Body::Memory(Arc::new(data));
        p.transfer_encoding = None;
        Ok(())
    }
    /// Replaces the content with text, stored as UTF-8 (the charset becomes utf-8).
    pub fn set_text(&self, text: &str) -> Result<()> {
        self.set_content(text.as_bytes().to_vec())?;
        self.edit().charset = Some("utf-8".to_owned());
        Ok(())
    }
    /// Makes the content a file, read only when the message is written or sent.
    pub fn set_content_file(&self, path: &str) -> Result<()> {
        let len = std::fs::metadata(path)
            .map_err(|e| {
                Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("cannot open {path}: {e}")).with_os(&e)
            })?
            .len();
        let mut p = self.edit();
        if p.content_type.starts_with("multipart/") {
            return Err(bad_value("a multipart section has nested sections, not content".into()));
        }
        p.body = Body::File { path: PathBuf::from(path), len };
        p.transfer_encoding = None;
        Ok(())
    }

    /// The sections nested in this one (a multipart's parts).
    pub fn children(&self) -> Vec<Arc<Section>> {
        self.part.lock().children.clone()
    }
    /// Appends a section to this multipart section. Refused when it would make a cycle.
    pub fn add_child(self: &Arc<Self>, child: Arc<Section>) -> Result<()> {
        if Arc::ptr_eq(self, &child) || child.contains(self) {
            return Err(Error::invalid_arg("a section cannot contain itself"));
        }
        if !self.is_multipart() {
            return Err(bad_value("only a multipart/* section holds nested sections".into()));
        }
        if self.count() + child.count() > super::limits::MAX_PARTS {
            return Err(limit_error());
        }
        self.edit().children.push(child);
        Ok(())
    }
    /// Removes a nested section (anywhere below this one); false when it is not there.
    pub fn remove_descendant(&self, target: &Arc<Section>) -> bool {
        let mut p = self.edit();
        if let Some(i) = p.children.iter().position(|c| Arc::ptr_eq(c, target)) {
            p.children.remove(i);
            return true;
        }
        let children = p.children.clone();
        drop(p);
        children.iter().any(|c| c.remove_descendant(target))
    }
    fn contains(&self, target: &Arc<Section>) -> bool {
        self.children().iter().any(|c| Arc::ptr_eq(c, target) || c.contains(target))
    }
    /// This section and every section below it.
    pub fn count(&self) -> usize {
        1 + self.children().iter().map(|c| c.count()).sum::<usize>()
    }
    /// How many levels of sections are below this one (0 for a leaf).
    pub fn depth(&self) -> usize {
        self.children().iter().map(|c| 1 + c.depth()).max().unwrap_or(0)
    }
    /// The leaves below (or this one when it is a leaf), depth first.
    pub fn leaves(self: &Arc<Self>) -> Vec<Arc<Section>> {
        let children = self.children();
        if children.is_empty() && !self.is_multipart() {
            return vec![self.clone()];
        }
        children.iter().flat_map(|c| c.leaves()).collect()
    }
    /// A deep copy (new sections, same contents).
    pub fn deep_clone(&self) -> Arc<Section> {
        let mut p = self.part.lock().clone();
        p.children = p.children.iter().map(|c| c.deep_clone()).collect();
        Section::from_part(p)
    }

    /// Saves the decoded content into `folder` under the section's file name (or `name` when
    /// given). The name must stay inside the folder; see `files::safe_file_name`. Returns the
    /// path written.
    pub fn save_to_folder(&self, folder: &str, name: Option<&str>) -> Result<PathBuf> {
        let name = match name {
            Some(n) => n.to_owned(),
            None => self.file_name().ok_or_else(|| {
                Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexUnsafeFileName,
                    "the section has no file name; give one",
                )
            })?,
        };
        let body = self.part.lock().body.clone();
        super::files::save_content(&body, folder, &name)
    }
}

pub(crate) fn limit_error() -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexMimeLimit,
        format!(
            "the message would have more than {} sections or nest deeper than {}",
            super::limits::MAX_PARTS,
            super::limits::MAX_DEPTH
        ),
    )
}

fn check_part_header(name: &str, value: &str) -> Result<()> {
    check_name(name)?;
    check_value(name, value)?;
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "content-type" | "content-transfer-encoding" | "content-disposition" | "content-id" | "mime-version"
    ) {
        return Err(bad_value(format!(
            "{name} is set through the section's ContentType, Disposition, FileName and ContentID"
        )));
    }
    Ok(())
}

/// Text from bytes in a named charset (mail-parser's decoders); UTF-8 when unknown or empty.
pub(crate) fn decode_charset(charset: &str, bytes: &[u8]) -> String {
    if !charset.is_empty() && !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("us-ascii") {
        if let Some(decode) = mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes()) {
            return decode(bytes);
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}
