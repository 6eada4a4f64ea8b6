//! The script text: one step per line (the format is in the module
//! documentation of `script`).

use std::path::Path;

/// One step of a script, as parsed from one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// `tags`: offsets in `data` where the client's current tag goes (`\T`).
    Send {
        data: Vec<u8>,
        times: u64,
        tags: Vec<usize>,
    },
    /// `tags`: offsets in `pattern` where one word (an IMAP tag) may stand (`\T`).
    Expect {
        pattern: Vec<u8>,
        prefix: bool,
        text: String,
        tags: Vec<usize>,
    },
    /// Read the literal the client's last line announced (`{n}` or `{n+}` at its end).
    Literal,
    Data,
    Tls,
    /// Bytes on the bare socket, behind the pending replies' TLS records in the same write.
    Clear(Vec<u8>),
    Sleep(u64),
    Close,
    Hang,
    ExpectEof,
}

/// A parsed script (see the module documentation for the format).
#[derive(Clone, Debug)]
pub struct Script {
    pub(super) steps: Vec<Step>,
}

/// Undoes the escapes; `\T` (the client's tag) is recorded in `tags` where allowed.
fn unescape_tagged(s: &str, mut tags: Option<&mut Vec<usize>>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = *b.get(i + 1).ok_or("trailing backslash")?;
        i += 2;
        match c {
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'0' => out.push(0),
            b'\\' => out.push(b'\\'),
            b'*' => out.push(b'*'),
            b'T' => match tags.as_deref_mut() {
                Some(t) => t.push(out.len()),
                None => return Err("\\T is only valid in S:, S*N:, RAW: and C:".into()),
            },
            b'x' => {
                let hex =
                    s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("\\x needs two hex digits")?;
                out.push(hex);
                i += 2;
            }
            other => return Err(format!("unknown escape \\{}", other as char)),
        }
    }
    Ok(out)
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    unescape_tagged(s, None)
}

/// Text with `\T` tag positions.
fn tagged(s: &str) -> Result<(Vec<u8>, Vec<usize>), String> {
    let mut tags = Vec::new();
    let data = unescape_tagged(s, Some(&mut tags))?;
    Ok((data, tags))
}

impl Script {
    /// Parses script text. Errors name the offending line (1-based).
    pub fn parse(text: &str) -> Result<Script, String> {
        let mut steps = Vec::new();
        for (no, raw) in text.lines().enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let step = parse_step(trimmed).map_err(|e| format!("line {}: {}", no + 1, e))?;
            steps.push(step);
        }
        Ok(Script { steps })
    }

    /// Reads and parses a script file.
    pub fn from_file(p: &Path) -> Result<Script, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {}", p.display(), e))?;
        Script::parse(&text)
    }

    pub(super) fn needs_tls(&self) -> bool {
        self.steps.contains(&Step::Tls)
    }
}

fn parse_step(line: &str) -> Result<Step, String> {
    if let Some((kw, rest)) = line.split_once(':') {
        let kw_ok = !kw.contains(' ');
        if kw_ok {
            let text = rest.strip_prefix(' ').unwrap_or(rest);
            match kw {
                "S" => {
                    let (mut data, tags) = tagged(text)?;
                    data.extend_from_slice(b"\r\n");
                    return Ok(Step::Send { data, times: 1, tags });
                }
                "RAW" => {
                    let (data, tags) = tagged(text)?;
                    return Ok(Step::Send { data, times: 1, tags });
                }
                "CLEAR" => return Ok(Step::Clear(unescape(text)?)),
                "C" => {
                    let (pat, prefix) = match text.strip_suffix('*') {
                        Some(p) if !p.ends_with('\\') || p.ends_with("\\\\") => (p, true),
                        _ => (text, false),
                    };
                    let (pattern, tags) = tagged(pat)?;
                    return Ok(Step::Expect { pattern, prefix, text: text.to_string(), tags });
                }
                "RAWN" => {
                    let mut it = text.split_whitespace();
                    let count: u64 = it.next().and_then(|c| c.parse().ok()).ok_or("RAWN needs a count")?;
                    let byte = unescape(it.next().ok_or("RAWN needs a byte")?)?;
                    if byte.len() != 1 || it.next().is_some() {
                        return Err("RAWN: count byte (exactly one byte)".into());
                    }
                    return Ok(Step::Send { data: byte, times: count, tags: Vec::new() });
                }
                _ => {
                    if let Some(n) = kw.strip_prefix("S*") {
                        let times: u64 = n.parse().map_err(|_| format!("bad repeat count in {kw}"))?;
                        let (mut data, tags) = tagged(text)?;
                        data.extend_from_slice(b"\r\n");
                        return Ok(Step::Send { data, times, tags });
                    }
                }
            }
        }
    }
    let mut words = line.split_whitespace();
    let kw = words.next().unwrap_or("");
    let arg = words.next();
    let no_arg = ["DATA", "LITERAL", "TLS", "CLOSE", "HANG", "EXPECT-EOF"].contains(&kw);
    if words.next().is_some() || (no_arg && arg.is_some()) {
        return Err(format!("unexpected text after {kw}"));
    }
    match (kw, arg) {
        ("DATA", None) => Ok(Step::Data),
        ("LITERAL", None) => Ok(Step::Literal),
        ("TLS", None) => Ok(Step::Tls),
        ("CLOSE", None) => Ok(Step::Close),
        ("HANG", None) => Ok(Step::Hang),
        ("EXPECT-EOF", None) => Ok(Step::ExpectEof),
        ("SLEEP", Some(ms)) => ms.parse().map(Step::Sleep).map_err(|_| format!("bad SLEEP duration {ms:?}")),
        ("SLEEP", None) => Err("SLEEP needs milliseconds".into()),
        _ => Err(format!("unknown step {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_steps() {
        let s = Script::parse(
            "# comment\n\nS: 220 hi\\x21\nRAW: a\\r\\n\nC: EHLO *\nC: QUIT\nDATA\nTLS\nSLEEP 5\nS*3: 250-x\nRAWN: 4 \\x41\nHANG\nEXPECT-EOF\nCLOSE\n",
        )
        .unwrap();
        assert_eq!(
            s.steps,
            vec![
                Step::Send { data: b"220 hi!\r\n".to_vec(), times: 1, tags: vec![] },
                Step::Send { data: b"a\r\n".to_vec(), times: 1, tags: vec![] },
                Step::Expect { pattern: b"EHLO ".to_vec(), prefix: true, text: "EHLO *".into(), tags: vec![] },
                Step::Expect { pattern: b"QUIT".to_vec(), prefix: false, text: "QUIT".into(), tags: vec![] },
                Step::Data,
                Step::Tls,
                Step::Sleep(5),
                Step::Send { data: b"250-x\r\n".to_vec(), times: 3, tags: vec![] },
                Step::Send { data: b"A".to_vec(), times: 4, tags: vec![] },
                Step::Hang,
                Step::ExpectEof,
                Step::Close,
            ]
        );
    }

    #[test]
    fn keeps_trailing_space_and_literal_star() {
        let s = Script::parse("S: 334 \nC: a\\*\nS:").unwrap();
        assert_eq!(s.steps[0], Step::Send { data: b"334 \r\n".to_vec(), times: 1, tags: vec![] });
        assert_eq!(
            s.steps[1],
            Step::Expect { pattern: b"a*".to_vec(), prefix: false, text: "a\\*".into(), tags: vec![] }
        );
        assert_eq!(s.steps[2], Step::Send { data: b"\r\n".to_vec(), times: 1, tags: vec![] });
    }

    #[test]
    fn imap_tags_and_literals() {
        let s = Script::parse("C: \\T LOGIN *\nLITERAL\nS: \\T OK done \\T\nS*2: \\T NO\nRAW: \\T").unwrap();
        assert_eq!(
            s.steps,
            vec![
                Step::Expect { pattern: b" LOGIN ".to_vec(), prefix: true, text: "\\T LOGIN *".into(), tags: vec![0] },
                Step::Literal,
                Step::Send { data: b" OK done \r\n".to_vec(), times: 1, tags: vec![0, 9] },
                Step::Send { data: b" NO\r\n".to_vec(), times: 2, tags: vec![0] },
                Step::Send { data: vec![], times: 1, tags: vec![0] },
            ]
        );
        assert_eq!(Script::parse("RAWN: 3 \\T").unwrap_err(), "line 1: \\T is only valid in S:, S*N:, RAW: and C:");
        assert_eq!(Script::parse("LITERAL 5").unwrap_err(), "line 1: unexpected text after LITERAL");
    }

    #[test]
    fn parse_errors_name_the_line() {
        assert_eq!(Script::parse("S: ok\nBOGUS").unwrap_err(), "line 2: unknown step \"BOGUS\"");
        assert_eq!(Script::parse("S: \\q").unwrap_err(), "line 1: unknown escape \\q");
        assert_eq!(Script::parse("S: \\x4").unwrap_err(), "line 1: \\x needs two hex digits");
        assert_eq!(Script::parse("SLEEP x").unwrap_err(), "line 1: bad SLEEP duration \"x\"");
        assert_eq!(Script::parse("SLEEP").unwrap_err(), "line 1: SLEEP needs milliseconds");
        assert_eq!(Script::parse("S*z: a").unwrap_err(), "line 1: bad repeat count in S*z");
        assert_eq!(Script::parse("RAWN: 3 ab").unwrap_err(), "line 1: RAWN: count byte (exactly one byte)");
        assert_eq!(Script::parse("RAWN: x a").unwrap_err(), "line 1: RAWN needs a count");
        assert_eq!(Script::parse("CLOSE now").unwrap_err(), "line 1: unexpected text after CLOSE");
        assert!(Script::parse("").unwrap().steps.is_empty());
    }
}
