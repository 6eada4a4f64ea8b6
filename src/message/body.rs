//! The body of a Message: its sections, the text and HTML bodies, attachments and inline parts,
//! and the layout they are arranged in (see the module text of `message`).

use super::section::{Part, Section};
use super::{limits, next_version, Message};
use crate::error::{Error, Result};
use std::path::Path;
use std::sync::Arc;

impl Message {
    /// The body section: the root of the MIME tree.
    pub fn body(&self) -> Arc<Section> {
        self.state.lock().doc().root.clone()
    }

    /// Every leaf section, depth first (the legacy Sections collection).
    pub fn sections(&self) -> Vec<Arc<Section>> {
        self.body().leaves()
    }

    /// The sections that are attachments.
    pub fn attachments(&self) -> Vec<Arc<Section>> {
        self.sections().into_iter().filter(|s| s.is_attachment()).collect()
    }

    fn find_body(&self, ct: &str) -> Option<Arc<Section>> {
        self.sections().into_iter().find(|s| s.content_type() == ct && may_be_body(s))
    }

    /// The plain-text body (decoded to UTF-8), None when there is none.
    pub fn text_body(&self) -> Option<String> {
        self.find_body("text/plain").and_then(|s| s.text().ok())
    }
    /// The HTML body (decoded to UTF-8), None when there is none.
    pub fn html_body(&self) -> Option<String> {
        self.find_body("text/html").and_then(|s| s.text().ok())
    }

    /// Sets the plain-text body (multipart/alternative with an HTML body).
    pub fn set_text_body(&self, text: &str) -> Result<()> {
        self.set_body_text("text/plain", text)
    }
    /// Sets the HTML body (multipart/alternative with a text body; multipart/related with
    /// inline parts).
    pub fn set_html_body(&self, html: &str) -> Result<()> {
        self.set_body_text("text/html", html)
    }

    fn set_body_text(&self, ct: &str, text: &str) -> Result<()> {
        if let Some(s) = self.find_body(ct) {
            return s.set_text(text);
        }
        let s = Section::new(ct)?;
        s.set_text(text)?;
        self.rebuild(Some(s), None)
    }

    /// AddAttachment from a file: streamed from the file when the message is sent or saved.
    /// The content type is guessed from the name unless given; the file name is the last
    /// component of the path unless `file_name` is given.
    pub fn add_attachment_file(
        &self,
        path: &str,
        content_type: Option<&str>,
        file_name: Option<&str>,
    ) -> Result<Arc<Section>> {
        let name = match file_name {
            Some(n) => n.to_owned(),
            None => Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        let s = Section::new(&content_type_for(&name, content_type))?;
        s.set_content_file(path)?;
        s.set_file_name(Some(&name))?;
        s.set_disposition(Some("attachment"))?;
        self.rebuild(None, Some(s.clone()))?;
        Ok(s)
    }

    /// AddAttachment from memory.
    pub fn add_attachment_bytes(
        &self,
        file_name: &str,
        data: Vec<u8>,
        content_type: Option<&str>,
    ) -> Result<Arc<Section>> {
        let s = Section::new(&content_type_for(file_name, content_type))?;
        s.set_content(data)?;
        s.set_file_name(Some(file_name))?;
        s.set_disposition(Some("attachment"))?;
        self.rebuild(None, Some(s.clone()))?;
        Ok(s)
    }

    /// An inline part (an image the HTML body shows with `cid:<content_id>`), multipart/related
    /// with the HTML body.
    pub fn add_inline_bytes(
        &self,
        content_id: &str,
        file_name: Option<&str>,
        data: Vec<u8>,
        content_type: Option<&str>,
    ) -> Result<Arc<Section>> {
        let s = Section::new(&content_type_for(file_name.unwrap_or(""), content_type))?;
        s.set_content(data)?;
        s.set_content_id(Some(content_id))?;
        s.set_file_name(file_name)?;
        s.set_disposition(Some("inline"))?;
        self.rebuild(None, Some(s.clone()))?;
        Ok(s)
    }

    /// An inline part from a file.
    pub fn add_inline_file(&self, content_id: &str, path: &str, content_type: Option<&str>) -> Result<Arc<Section>> {
        let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let s = Section::new(&content_type_for(&name, content_type))?;
        s.set_content_file(path)?;
        s.set_content_id(Some(content_id))?;
        s.set_file_name(Some(&name))?;
        s.set_disposition(Some("inline"))?;
        self.rebuild(None, Some(s.clone()))?;
        Ok(s)
    }

    /// Adds a section made elsewhere: by its kind, as an attachment, inline part or body.
    pub fn add_section(&self, section: Arc<Section>) -> Result<()> {
        if self.sections().iter().any(|s| Arc::ptr_eq(s, &section)) {
            return Err(Error::invalid_arg("the section is already part of this message"));
        }
        self.rebuild(None, Some(section))
    }

    /// Removes a section (anywhere in the tree); false when it is not in this message.
    pub fn remove_section(&self, section: &Arc<Section>) -> bool {
        let root = self.body();
        if Arc::ptr_eq(&root, section) {
            return false;
        }
        let removed = root.remove_descendant(section);
        if removed {
            let _ = self.rebuild(None, None);
        }
        removed
    }

    /// Lays the body out again from its leaves (and a new body text or part).
    fn rebuild(&self, body: Option<Arc<Section>>, extra: Option<Arc<Section>>) -> Result<()> {
        let mut leaves = self.sections();
        // An empty text/plain root of a new message is no part.
        leaves.retain(|s| {
            !(s.content_type() == "text/plain" && s.size() == 0 && !s.is_attachment() && s.file_name().is_none())
        });
        leaves.extend(body);
        leaves.extend(extra);
        let (mut text, mut html, mut inline, mut attach) = (None, None, Vec::new(), Vec::new());
        for s in leaves {
            let ct = s.content_type();
            if may_be_body(&s) && ct == "text/plain" && text.is_none() {
                text = Some(s);
            } else if may_be_body(&s) && ct == "text/html" && html.is_none() {
                html = Some(s);
            } else if !s.is_attachment() && s.content_id().is_some() {
                inline.push(s);
            } else {
                attach.push(s);
            }
        }
        let multipart = |ct: &str, parts: Vec<Arc<Section>>| -> Result<Arc<Section>> {
            let m = Section::new(ct)?;
            for p in parts {
                m.add_child(p)?;
            }
            Ok(m)
        };
        let html = match html {
            Some(h) if !inline.is_empty() => {
                Some(multipart("multipart/related", std::iter::once(h).chain(inline.drain(..)).collect())?)
            }
            h => h,
        };
        attach.extend(inline);
        let body = match (text, html) {
            (Some(t), Some(h)) => Some(multipart("multipart/alternative", vec![t, h])?),
            (t, h) => t.or(h),
        };
        let root = if attach.is_empty() {
            body.unwrap_or_else(|| Section::from_part(Part::new("text/plain")))
        } else {
            multipart("multipart/mixed", body.into_iter().chain(attach).collect())?
        };
        let mut s = self.state.lock();
        let d = s.doc();
        d.root = root;
        d.version = next_version();
        Ok(())
    }

    /// Replaces the body with a section tree built by hand.
    pub fn set_body(&self, root: Arc<Section>) -> Result<()> {
        if root.count() > limits::MAX_PARTS || root.depth() > limits::MAX_DEPTH {
            return Err(super::section::limit_error());
        }
        let mut s = self.state.lock();
        let d = s.doc();
        d.root = root;
        d.version = next_version();
        Ok(())
    }
}

/// The given content type, else one guessed from the file name's extension
/// (application/octet-stream when unknown).
pub fn content_type_for(file_name: &str, given: Option<&str>) -> String {
    match given.filter(|g| !g.is_empty()) {
        Some(g) => g.to_owned(),
        None => mime_guess::from_path(file_name).first_or_octet_stream().essence_str().to_owned(),
    }
}

/// Whether a leaf can be the text or HTML body: not an attachment, and not an inline resource
/// (a part with both a Content-ID and a file name, as `add_inline_file` makes: HTML refers to it
/// by `cid:`, so an inline .txt file is no text body). A body part that merely carries a
/// Content-ID, as some mailers write, stays a body.
fn may_be_body(s: &Section) -> bool {
    !s.is_attachment() && (s.content_id().is_none() || s.file_name().is_none())
}
