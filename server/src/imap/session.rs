//! One IMAP session: the states of RFC 3501 3 (not authenticated, authenticated, selected,
//! logout) and the commands of each.

use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::command::{self, Read, Tok};
use super::store::{self, Msg, DELIM};
use super::{auth, date, fetch, search, utf7};
use crate::conn::{Conn, Line};
use crate::Ctx;

/// How often IDLE looks for new mail in the Maildir (deliveries come from the SMTP side or
/// from outside the process, so we look rather than wait for a signal).
const IDLE_POLL: Duration = Duration::from_millis(200);
/// The longest IDLE we sit through (RFC 3501 asks clients to re-issue IDLE within 29 min).
const IDLE_MAX: Duration = Duration::from_secs(30 * 60);

pub(crate) fn serve(mut conn: Conn, ctx: &Ctx) {
    let mut s = Session { ctx, user: None, utf8: false, rev2: false, sel: None };
    let _ = s.run(&mut conn);
    conn.close(Duration::from_millis(200));
}

/// The selected mailbox as this session sees it (sequence numbers are indices + 1).
struct Selected {
    dir: PathBuf,
    readonly: bool,
    uidvalidity: u32,
    uidnext: u32,
    msgs: Vec<Msg>,
}

struct Session<'a> {
    ctx: &'a Ctx,
    user: Option<String>,
    /// UTF8=ACCEPT enabled: mailbox names travel as UTF-8.
    utf8: bool,
    /// IMAP4rev2 enabled (RFC 9051): no \Recent and no RECENT responses, SEARCH answers
    /// with ESEARCH, SELECT over a selected mailbox says [CLOSED].
    rev2: bool,
    sel: Option<Selected>,
}

/// What a command handler tells the loop.
enum Done {
    /// Tagged response text (`OK ...`, `NO ...`, `BAD ...`).
    Reply(String),
    /// LOGOUT: BYE was sent, tagged OK follows, then close.
    Logout,
    /// The handler sent its tagged response itself (STARTTLS).
    Quiet,
    Eof,
}

fn bad(t: impl Into<String>) -> Done {
    Done::Reply(format!("BAD {}", t.into()))
}
fn no(t: impl Into<String>) -> Done {
    Done::Reply(format!("NO {}", t.into()))
}
fn ok(t: impl Into<String>) -> Done {
    Done::Reply(format!("OK {}", t.into()))
}

/// An IMAP string for arbitrary bytes: quoted when that is possible, else a literal.
pub(crate) fn string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() < 1024 && s.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        out.push(b'"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        literal(out, s);
    }
}

pub(crate) fn literal(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
    out.extend_from_slice(s);
}

/// `nstring`: NIL or a string.
pub(crate) fn nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        None => out.extend_from_slice(b"NIL"),
        Some(s) => string(out, s),
    }
}

/// The flags of a message as a parenthesized list.
pub(crate) fn flag_list(m: &Msg) -> String {
    let mut v: Vec<&str> = store::FLAGS.iter().filter(|(_, c)| m.flags.contains(c)).map(|(n, _)| *n).collect();
    if m.recent {
        v.push("\\Recent");
    }
    format!("({})", v.join(" "))
}

/// A flag list argument to info letters; keywords are accepted and not kept (PERMANENTFLAGS
/// has no `\*`), `\Recent` cannot be set.
fn parse_flags(t: &Tok) -> Result<BTreeSet<char>, String> {
    let items: Vec<Tok> = match t {
        Tok::List(v) => v.clone(),
        Tok::Atom(_) => vec![t.clone()],
        Tok::Str(_) => return Err("Flags must be atoms".into()),
    };
    let mut out = BTreeSet::new();
    for i in items {
        let Tok::Atom(a) = i else { return Err("Flags must be atoms".into()) };
        if let Some(f) = store::FLAGS.iter().find(|(n, _)| n.eq_ignore_ascii_case(&a)) {
            out.insert(f.1);
        } else if a.starts_with('\\') && !a.eq_ignore_ascii_case("\\Recent") {
            return Err(format!("Unknown system flag {a}"));
        }
    }
    Ok(out)
}

/// A sequence set `1,3:5,7:*` as inclusive ranges; `*` is `star`.
pub(crate) fn parse_set(s: &str, star: u32) -> Option<Vec<(u32, u32)>> {
    let num = |p: &str| -> Option<u32> {
        if p == "*" {
            return Some(star);
        }
        let n: u32 = p.parse().ok()?;
        (n > 0 && p.bytes().all(|b| b.is_ascii_digit())).then_some(n)
    };
    s.split(',')
        .map(|part| match part.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                Some((a.min(b), a.max(b)))
            }
            None => num(part).map(|n| (n, n)),
        })
        .collect()
}

pub(crate) fn in_set(set: &[(u32, u32)], n: u32) -> bool {
    set.iter().any(|&(a, b)| a <= n && n <= b)
}

/// A UID list in the compact `1:3,5` form of COPYUID/APPENDUID.
fn uid_ranges(uids: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let mut j = i;
        while j + 1 < uids.len() && uids[j + 1] == uids[j] + 1 {
            j += 1;
        }
        out.push(if i == j { uids[i].to_string() } else { format!("{}:{}", uids[i], uids[j]) });
        i = j + 1;
    }
    out.join(",")
}

/// LIST pattern matching: `*` matches anything, `%` anything but the delimiter.
fn wildmatch(pat: &[char], name: &[char]) -> bool {
    match pat.split_first() {
        None => name.is_empty(),
        Some(('*', rest)) => (0..=name.len()).any(|i| wildmatch(rest, &name[i..])),
        Some(('%', rest)) => {
            (0..=name.len()).take_while(|&i| i == 0 || name[i - 1] != DELIM).any(|i| wildmatch(rest, &name[i..]))
        }
        Some((c, rest)) => name.first() == Some(c) && wildmatch(rest, &name[1..]),
    }
}

/// The special-use attribute (RFC 6154) of a folder named so.
fn special_use(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "sent" | "sent messages" | "sent items" => Some("\\Sent"),
        "trash" | "deleted messages" | "deleted items" => Some("\\Trash"),
        "drafts" => Some("\\Drafts"),
        "junk" | "spam" => Some("\\Junk"),
        "archive" => Some("\\Archive"),
        _ => None,
    }
}

impl Session<'_> {
    fn capabilities(&self, conn: &Conn) -> String {
        let mut caps = vec!["IMAP4rev1", "IMAP4rev2"];
        let tls_offer = !conn.is_tls() && self.ctx.offer_starttls;
        if tls_offer && self.user.is_none() {
            caps.push("STARTTLS");
        }
        let login_ok = self.login_allowed(conn);
        if self.user.is_none() {
            if login_ok {
                caps.extend(["AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "AUTH=XOAUTH2", "AUTH=OAUTHBEARER"]);
            } else {
                caps.push("LOGINDISABLED");
            }
        }
        caps.extend([
            "SASL-IR",
            "LITERAL+",
            "IDLE",
            "MOVE",
            "UIDPLUS",
            "ENABLE",
            "ID",
            "UNSELECT",
            "SPECIAL-USE",
            "NAMESPACE",
            "UTF8=ACCEPT",
            "ESEARCH",
        ]);
        caps.join(" ")
    }

    /// Dovecot's default: no credentials in the clear while STARTTLS is on offer.
    fn login_allowed(&self, conn: &Conn) -> bool {
        conn.is_tls() || !(self.ctx.auth_requires_tls || (self.ctx.imap_login_disabled && self.ctx.offer_starttls))
    }

    fn run(&mut self, conn: &mut Conn) -> io::Result<()> {
        conn.reply(&format!("* OK [CAPABILITY {}] csmail-server IMAP ready", self.capabilities(conn)));
        loop {
            let raw = match command::read(conn, self.ctx.max_size)? {
                Read::Eof => return Ok(()),
                Read::Bye(t) => {
                    conn.reply(&format!("* BYE {t}"));
                    return Ok(());
                }
                Read::Refused(tag, t) => {
                    conn.reply(&format!("{tag} {t}"));
                    continue;
                }
                Read::Command(c) => c,
            };
            let tag = command::tag_of(&raw);
            let rest = &raw[(tag.len() + 1).min(raw.len())..];
            if tag == "*" || raw.get(tag.len()) != Some(&b' ') {
                conn.reply("* BAD Missing or invalid tag");
                continue;
            }
            let name_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
            let name = String::from_utf8_lossy(&rest[..name_end]).to_ascii_uppercase();
            let args = match command::tokenize(rest.get(name_end + 1..).unwrap_or(b"")) {
                Ok(a) => a,
                Err(e) => {
                    conn.reply(&format!("{tag} BAD {e}"));
                    continue;
                }
            };
            match self.dispatch(conn, &tag, &name, &args)? {
                Done::Reply(t) => conn.reply(&format!("{tag} {t}")),
                Done::Logout => {
                    conn.reply(&format!("{tag} OK LOGOUT completed"));
                    return Ok(());
                }
                Done::Quiet => {}
                Done::Eof => return Ok(()),
            }
        }
    }

    fn dispatch(&mut self, conn: &mut Conn, tag: &str, name: &str, args: &[Tok]) -> io::Result<Done> {
        // Commands of any state.
        match name {
            "CAPABILITY" => {
                conn.reply(&format!("* CAPABILITY {}", self.capabilities(conn)));
                return Ok(ok("CAPABILITY completed"));
            }
            "NOOP" | "CHECK" => {
                if self.sel.is_none() && name == "CHECK" {
                    return Ok(bad("No mailbox selected"));
                }
                self.refresh(conn, true, true)?;
                return Ok(ok(format!("{name} completed")));
            }
            "LOGOUT" => {
                conn.reply("* BYE csmail-server logging out");
                return Ok(Done::Logout);
            }
            "ID" => {
                conn.reply("* ID (\"name\" \"csmail-server\")");
                return Ok(ok("ID completed"));
            }
            _ => {}
        }
        if self.user.is_none() {
            return self.not_authenticated(conn, tag, name, args);
        }
        let selected_only =
            ["CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID"].contains(&name);
        if selected_only && self.sel.is_none() {
            return Ok(bad("No mailbox selected"));
        }
        let done = match name {
            "STARTTLS" | "LOGIN" | "AUTHENTICATE" => bad("Already authenticated"),
            "ENABLE" => self.enable(conn, args),
            "NAMESPACE" => {
                conn.reply("* NAMESPACE ((\"\" \".\")) NIL NIL");
                ok("NAMESPACE completed")
            }
            "SELECT" | "EXAMINE" => self.select(conn, args, name == "EXAMINE")?,
            "CREATE" => self.create(args)?,
            "DELETE" => self.delete(args)?,
            "RENAME" => self.rename(args)?,
            "SUBSCRIBE" | "UNSUBSCRIBE" => self.subscribe(args, name == "SUBSCRIBE")?,
            "LIST" | "LSUB" => self.list(conn, args, name == "LSUB")?,
            "STATUS" => self.status(conn, args)?,
            "APPEND" => self.append(args)?,
            "IDLE" => return self.idle(conn),
            "CLOSE" | "UNSELECT" => {
                if name == "CLOSE" {
                    let sel = self.sel.as_mut().expect("checked");
                    if !sel.readonly {
                        let _g = self.ctx.imap_store.lock().unwrap();
                        for m in sel.msgs.iter().filter(|m| m.flags.contains(&'T')) {
                            let _ = std::fs::remove_file(&m.path);
                        }
                        let _ = store::scan(&sel.dir);
                    }
                }
                self.sel = None;
                ok(format!("{name} completed"))
            }
            "EXPUNGE" => self.expunge(conn, None)?,
            "SEARCH" => self.search(conn, tag, args, false),
            "FETCH" => self.fetch(conn, args, false)?,
            "STORE" => self.store(conn, args, false)?,
            "COPY" | "MOVE" => self.copy(conn, args, false, name == "MOVE")?,
            "UID" => {
                let Some(sub) = args.first().and_then(Tok::atom_upper) else { return Ok(bad("UID needs a command")) };
                let rest = &args[1..];
                match sub.as_str() {
                    "SEARCH" => self.search(conn, tag, rest, true),
                    "FETCH" => self.fetch(conn, rest, true)?,
                    "STORE" => self.store(conn, rest, true)?,
                    "COPY" | "MOVE" => self.copy(conn, rest, true, sub == "MOVE")?,
                    "EXPUNGE" => {
                        let Some(set) = rest.first().and_then(Tok::text) else {
                            return Ok(bad("UID EXPUNGE needs UIDs"));
                        };
                        let Some(set) = parse_set(&set, u32::MAX) else { return Ok(bad("Invalid UID set")) };
                        self.expunge(conn, Some(set))?
                    }
                    _ => bad(format!("Unknown UID command {sub}")),
                }
            }
            _ => bad(format!("Unknown command {name}")),
        };
        // New mail is announced after every command; expunges by other sessions only where
        // RFC 3501 7.4.1 allows them.
        let may_expunge = !["FETCH", "STORE", "SEARCH"].contains(&name) && name != "UID";
        self.refresh(conn, may_expunge, false)?;
        Ok(done)
    }

    fn not_authenticated(&mut self, conn: &mut Conn, tag: &str, name: &str, args: &[Tok]) -> io::Result<Done> {
        Ok(match name {
            "STARTTLS" => {
                if conn.is_tls() {
                    return Ok(bad("TLS is already active"));
                }
                let Some(tls) = self.ctx.tls.clone().filter(|_| self.ctx.offer_starttls) else {
                    return Ok(no("STARTTLS is not available"));
                };
                conn.reply(&format!("{tag} OK Begin TLS negotiation now"));
                // Drops anything pipelined after STARTTLS (CVE-2011-0411).
                conn.start_tls(tls)?;
                self.ctx.count_handshake(conn);
                // The tagged OK is out already.
                return Ok(Done::Quiet);
            }
            "LOGIN" | "AUTHENTICATE" if !self.login_allowed(conn) => {
                no("[PRIVACYREQUIRED] Plaintext login is disabled: use STARTTLS first")
            }
            "LOGIN" => {
                let (Some(u), Some(p), None) =
                    (args.first().and_then(Tok::text), args.get(1).and_then(Tok::text), args.get(2))
                else {
                    return Ok(bad("LOGIN needs a user name and a password"));
                };
                if self.ctx.users.check(&u, &p) {
                    self.logged_in(conn, u)
                } else {
                    no("[AUTHENTICATIONFAILED] Authentication failed")
                }
            }
            "AUTHENTICATE" => {
                let Some(mech) = args.first().and_then(Tok::text) else {
                    return Ok(bad("AUTHENTICATE needs a mechanism"));
                };
                let ir = args.get(1).and_then(Tok::text);
                match auth::authenticate(conn, self.ctx, &mech, ir.as_deref())? {
                    auth::Outcome::User(u) => self.logged_in(conn, u),
                    auth::Outcome::Refused(t) => Done::Reply(t),
                    auth::Outcome::Eof => Done::Eof,
                }
            }
            _ => bad(format!("{name} is not valid before authentication (or unknown)")),
        })
    }

    fn logged_in(&mut self, conn: &Conn, user: String) -> Done {
        self.user = Some(user);
        ok(format!("[CAPABILITY {}] Logged in", self.capabilities(conn)))
    }

    fn user(&self) -> &str {
        self.user.as_deref().expect("authenticated")
    }

    /// A mailbox name argument as UTF-8 (decoding modified UTF-7 unless UTF8=ACCEPT is on).
    fn mailbox_arg(&self, t: Option<&Tok>) -> Result<String, Done> {
        let raw = t.and_then(Tok::text).ok_or_else(|| bad("Missing or bad mailbox name"))?;
        let name = if self.utf8 && !raw.is_ascii() {
            raw
        } else {
            utf7::decode(&raw).ok_or_else(|| bad("Mailbox name is not valid modified UTF-7"))?
        };
        Ok(if store::is_inbox(&name) { "INBOX".into() } else { name })
    }

    fn wire_name(&self, name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        if self.utf8 && !name.is_ascii() {
            // RFC 6855 3: with UTF8=ACCEPT, quoted strings may carry UTF-8.
            out.push(b'"');
            for c in name.chars() {
                if c == '"' || c == '\\' {
                    out.push(b'\\');
                }
                out.extend_from_slice(c.to_string().as_bytes());
            }
            out.push(b'"');
        } else if self.utf8 {
            string(&mut out, name.as_bytes());
        } else {
            string(&mut out, utf7::encode(name).as_bytes());
        }
        out
    }

    fn dir_of(&self, name: &str) -> Result<PathBuf, Done> {
        store::folder_dir(&self.ctx.root, self.user(), name).ok_or_else(|| no("[CANNOT] Invalid mailbox name"))
    }

    fn enable(&mut self, conn: &mut Conn, args: &[Tok]) -> Done {
        let mut enabled = Vec::new();
        for a in args {
            let Some(cap) = a.atom_upper() else { return bad("ENABLE takes capability names") };
            if (cap == "UTF8=ACCEPT" || cap == "IMAP4REV2") && !enabled.contains(&cap) {
                if cap == "UTF8=ACCEPT" {
                    self.utf8 = true;
                } else {
                    self.rev2 = true;
                }
                enabled.push(cap);
            }
        }
        conn.reply(format!("* ENABLED {}", enabled.join(" ")).trim_end());
        ok("ENABLE completed")
    }

    fn select(&mut self, conn: &mut Conn, args: &[Tok], readonly: bool) -> io::Result<Done> {
        if self.sel.take().is_some() && self.rev2 {
            conn.reply("* OK [CLOSED] Previous mailbox closed");
        }
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if !store::exists(&dir) {
            return Ok(no("[NONEXISTENT] No such mailbox"));
        }
        let mut folder = {
            let _g = self.ctx.imap_store.lock().unwrap();
            store::scan(&dir)?
        };
        if self.rev2 {
            folder.msgs.iter_mut().for_each(|m| m.recent = false);
        }
        let flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
        conn.reply(&format!("* FLAGS ({flags})"));
        if readonly {
            conn.reply("* OK [PERMANENTFLAGS ()] Read-only mailbox");
        } else {
            conn.reply(&format!("* OK [PERMANENTFLAGS ({flags})] Flags permitted"));
        }
        conn.reply(&format!("* {} EXISTS", folder.msgs.len()));
        if !self.rev2 {
            conn.reply(&format!("* {} RECENT", folder.msgs.iter().filter(|m| m.recent).count()));
        }
        if let Some(i) = folder.msgs.iter().position(|m| !m.flags.contains(&'S')) {
            conn.reply(&format!("* OK [UNSEEN {}] First unseen", i + 1));
        }
        conn.reply(&format!("* OK [UIDVALIDITY {}] UIDs valid", folder.uidvalidity));
        conn.reply(&format!("* OK [UIDNEXT {}] Predicted next UID", folder.uidnext));
        let code = if readonly { "READ-ONLY" } else { "READ-WRITE" };
        self.sel = Some(Selected {
            dir,
            readonly,
            uidvalidity: folder.uidvalidity,
            uidnext: folder.uidnext,
            msgs: folder.msgs,
        });
        Ok(ok(format!("[{code}] {} completed", if readonly { "EXAMINE" } else { "SELECT" })))
    }

    /// Brings the selected mailbox up to date: untagged EXISTS/RECENT for new mail,
    /// EXPUNGE for messages gone (when `may_expunge`), FETCH FLAGS for flag changes made by
    /// other sessions (when `flags`).
    fn refresh(&mut self, conn: &mut Conn, may_expunge: bool, flags: bool) -> io::Result<()> {
        let Some(sel) = self.sel.as_mut() else { return Ok(()) };
        let folder = {
            let _g = self.ctx.imap_store.lock().unwrap();
            match store::scan(&sel.dir) {
                Ok(f) => f,
                // The folder was deleted or renamed under us.
                Err(_) => return Ok(()),
            }
        };
        if folder.uidvalidity != sel.uidvalidity {
            conn.reply("* BYE The mailbox's UIDVALIDITY changed");
            return Err(io::Error::other("uidvalidity changed"));
        }
        if may_expunge {
            let mut i = 0;
            while i < sel.msgs.len() {
                if folder.msgs.iter().any(|m| m.uid == sel.msgs[i].uid) {
                    i += 1;
                } else {
                    conn.reply(&format!("* {} EXPUNGE", i + 1));
                    sel.msgs.remove(i);
                }
            }
        }
        for (seq, m) in sel.msgs.iter_mut().enumerate() {
            if let Some(f) = folder.msgs.iter().find(|f| f.uid == m.uid) {
                let changed = f.flags != m.flags;
                m.flags = f.flags.clone();
                m.path = f.path.clone();
                m.recent |= f.recent && !self.rev2;
                if changed && flags {
                    conn.reply(&format!("* {} FETCH (FLAGS {})", seq + 1, flag_list(m)));
                }
            }
        }
        let last = sel.msgs.last().map(|m| m.uid).unwrap_or(0);
        let mut new: Vec<Msg> = folder.msgs.into_iter().filter(|m| m.uid > last).collect();
        if !new.is_empty() {
            if self.rev2 {
                new.iter_mut().for_each(|m| m.recent = false);
            }
            sel.msgs.extend(new);
            conn.reply(&format!("* {} EXISTS", sel.msgs.len()));
            if !self.rev2 {
                conn.reply(&format!("* {} RECENT", sel.msgs.iter().filter(|m| m.recent).count()));
            }
        }
        sel.uidnext = folder.uidnext;
        Ok(())
    }

    fn create(&mut self, args: &[Tok]) -> io::Result<Done> {
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n.trim_end_matches(DELIM).to_string(),
            Err(d) => return Ok(d),
        };
        if store::is_inbox(&name) {
            return Ok(no("[ALREADYEXISTS] INBOX always exists"));
        }
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if store::exists(&dir) {
            return Ok(no("[ALREADYEXISTS] Mailbox already exists"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        store::create(&dir)?;
        Ok(ok("CREATE completed"))
    }

    fn delete(&mut self, args: &[Tok]) -> io::Result<Done> {
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        if store::is_inbox(&name) {
            return Ok(no("[CANNOT] INBOX cannot be deleted"));
        }
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if !store::exists(&dir) {
            return Ok(no("[NONEXISTENT] No such mailbox"));
        }
        if self.sel.as_ref().is_some_and(|s| s.dir == dir) {
            self.sel = None;
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        store::delete(&dir)?;
        Ok(ok("DELETE completed"))
    }

    fn rename(&mut self, args: &[Tok]) -> io::Result<Done> {
        let (old, new) = match (self.mailbox_arg(args.first()), self.mailbox_arg(args.get(1))) {
            (Ok(o), Ok(n)) => (o, n),
            (Err(d), _) | (_, Err(d)) => return Ok(d),
        };
        let (old_dir, new_dir) = match (self.dir_of(&old), self.dir_of(&new)) {
            (Ok(o), Ok(n)) => (o, n),
            (Err(d), _) | (_, Err(d)) => return Ok(d),
        };
        if !store::exists(&old_dir) {
            return Ok(no("[NONEXISTENT] No such mailbox"));
        }
        if store::exists(&new_dir) || store::is_inbox(&new) {
            return Ok(no("[ALREADYEXISTS] The new name is taken"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        if store::is_inbox(&old) {
            store::move_inbox(&old_dir, &new_dir)?;
        } else {
            store::rename(&self.ctx.root, self.user(), &old, &new)?;
            if self.sel.as_ref().is_some_and(|s| s.dir == old_dir) {
                self.sel = None;
            }
        }
        Ok(ok("RENAME completed"))
    }

    fn subscribe(&mut self, args: &[Tok], on: bool) -> io::Result<Done> {
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        let _g = self.ctx.imap_store.lock().unwrap();
        let mut subs = store::subscriptions(&self.ctx.root, self.user());
        subs.retain(|s| *s != name);
        if on {
            subs.push(name);
        }
        store::set_subscriptions(&self.ctx.root, self.user(), &subs)?;
        Ok(ok(if on { "SUBSCRIBE completed" } else { "UNSUBSCRIBE completed" }))
    }

    /// LIST / LSUB, with the RFC 5258 selection option SPECIAL-USE and `RETURN (...)`
    /// accepted (special-use attributes are always returned).
    fn list(&mut self, conn: &mut Conn, args: &[Tok], lsub: bool) -> io::Result<Done> {
        let mut args = args;
        let mut only_special = false;
        let mut only_subscribed = lsub;
        if let Some(Tok::List(opts)) = args.first() {
            for o in opts {
                match o.atom_upper().as_deref() {
                    Some("SPECIAL-USE") => only_special = true,
                    Some("SUBSCRIBED") => only_subscribed = true,
                    _ => {}
                }
            }
            args = &args[1..];
        }
        let (Some(reference), Some(pattern)) = (args.first().and_then(Tok::text), args.get(1)) else {
            return Ok(bad("LIST needs a reference and a pattern"));
        };
        let patterns: Vec<String> = match pattern {
            Tok::List(v) => v.iter().filter_map(Tok::text).collect(),
            t => t.text().into_iter().collect(),
        };
        let decode = |s: &str| if self.utf8 && !s.is_ascii() { Some(s.to_string()) } else { utf7::decode(s) };
        let Some(reference) = decode(&reference) else { return Ok(bad("Reference is not valid modified UTF-7")) };
        let cmd = if lsub { "LSUB" } else { "LIST" };
        if patterns.len() == 1 && patterns[0].is_empty() {
            conn.reply(&format!("* {cmd} (\\Noselect) \".\" \"\""));
            return Ok(ok(format!("{cmd} completed")));
        }
        let names = store::folders(&self.ctx.root, self.user())?;
        let subs = store::subscriptions(&self.ctx.root, self.user());
        for name in &names {
            let cname: Vec<char> = name.chars().collect();
            let matched = patterns.iter().any(|p| {
                let Some(p) = decode(p) else { return false };
                let full = format!("{reference}{p}");
                let pat: Vec<char> = full.chars().collect();
                let inbox_pat = full.eq_ignore_ascii_case("INBOX");
                wildmatch(&pat, &cname) || (inbox_pat && name == "INBOX")
            });
            if !matched {
                continue;
            }
            let subscribed = subs.contains(name);
            if only_subscribed && !subscribed {
                continue;
            }
            let use_attr = special_use(name);
            if only_special && use_attr.is_none() {
                continue;
            }
            let prefix = format!("{name}{DELIM}");
            let children = names.iter().any(|n| n.starts_with(&prefix));
            let mut attrs = vec![if children { "\\HasChildren" } else { "\\HasNoChildren" }];
            if subscribed && !lsub {
                attrs.push("\\Subscribed");
            }
            attrs.extend(use_attr);
            let mut line = format!("* {cmd} ({}) \".\" ", attrs.join(" ")).into_bytes();
            line.extend_from_slice(&self.wire_name(name));
            line.extend_from_slice(b"\r\n");
            conn.write(&line);
        }
        Ok(ok(format!("{cmd} completed")))
    }

    fn status(&mut self, conn: &mut Conn, args: &[Tok]) -> io::Result<Done> {
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        let Some(Tok::List(items)) = args.get(1) else { return Ok(bad("STATUS needs a list of items")) };
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if !store::exists(&dir) {
            return Ok(no("[NONEXISTENT] No such mailbox"));
        }
        let f = {
            let _g = self.ctx.imap_store.lock().unwrap();
            store::scan(&dir)?
        };
        let mut out = Vec::new();
        for it in items {
            let Some(item) = it.atom_upper() else { return Ok(bad("STATUS items are atoms")) };
            let v: u64 = match item.as_str() {
                "MESSAGES" => f.msgs.len() as u64,
                "RECENT" => f.msgs.iter().filter(|m| m.recent).count() as u64,
                "UIDNEXT" => f.uidnext as u64,
                "UIDVALIDITY" => f.uidvalidity as u64,
                "UNSEEN" => f.msgs.iter().filter(|m| !m.flags.contains(&'S')).count() as u64,
                "DELETED" => f.msgs.iter().filter(|m| m.flags.contains(&'T')).count() as u64,
                "SIZE" => f.msgs.iter().map(|m| m.size).sum(),
                _ => return Ok(bad(format!("Unknown STATUS item {item}"))),
            };
            out.push(format!("{item} {v}"));
        }
        let mut line = b"* STATUS ".to_vec();
        line.extend_from_slice(&self.wire_name(&name));
        line.extend_from_slice(format!(" ({})\r\n", out.join(" ")).as_bytes());
        conn.write(&line);
        Ok(ok("STATUS completed"))
    }

    fn append(&mut self, args: &[Tok]) -> io::Result<Done> {
        let name = match self.mailbox_arg(args.first()) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        let mut i = 1;
        let mut flags = BTreeSet::new();
        if let Some(t @ Tok::List(_)) = args.get(i) {
            match parse_flags(t) {
                Ok(f) => flags = f,
                Err(e) => return Ok(bad(e)),
            }
            i += 1;
        }
        let mut when = None;
        if let (Some(Tok::Str(d)), Some(Tok::Str(_))) = (args.get(i), args.get(i + 1)) {
            match date::parse_date_time(&String::from_utf8_lossy(d)) {
                Some(t) => when = Some(t),
                None => return Ok(bad("Bad date-time")),
            }
            i += 1;
        }
        let (Some(Tok::Str(data)), None) = (args.get(i), args.get(i + 1)) else {
            return Ok(bad("APPEND needs a message literal last"));
        };
        if data.is_empty() {
            return Ok(no("Empty message"));
        }
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if !store::exists(&dir) {
            return Ok(no("[TRYCREATE] No such mailbox"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        let (validity, uid) = store::append(&dir, data, &flags, when)?;
        Ok(ok(format!("[APPENDUID {validity} {uid}] APPEND completed")))
    }

    /// The indices of the selected messages a set names.
    fn targets(&self, set: &str, uid: bool) -> Result<Vec<usize>, Done> {
        let sel = self.sel.as_ref().expect("selected");
        if uid {
            let star = sel.msgs.last().map(|m| m.uid).unwrap_or(0);
            let set = parse_set(set, star).ok_or_else(|| bad("Invalid UID set"))?;
            Ok((0..sel.msgs.len()).filter(|&i| in_set(&set, sel.msgs[i].uid)).collect())
        } else {
            let n = sel.msgs.len() as u32;
            let set = parse_set(set, n).ok_or_else(|| bad("Invalid sequence set"))?;
            if set.iter().any(|&(a, b)| a == 0 || b > n) {
                return Err(bad("Invalid message sequence number"));
            }
            Ok((0..sel.msgs.len()).filter(|&i| in_set(&set, i as u32 + 1)).collect())
        }
    }

    /// SEARCH: a SEARCH response, or ESEARCH (RFC 4731 / RFC 9051) with `RETURN (...)`
    /// (MIN MAX COUNT ALL) or once IMAP4rev2 is enabled.
    fn search(&mut self, conn: &mut Conn, tag: &str, args: &[Tok], uid: bool) -> Done {
        let mut args = args;
        let mut ret: Option<Vec<String>> = self.rev2.then(|| vec!["ALL".to_string()]);
        if args.first().and_then(Tok::atom_upper).as_deref() == Some("RETURN") {
            let Some(Tok::List(opts)) = args.get(1) else { return bad("RETURN needs a list") };
            let mut v = Vec::new();
            for o in opts {
                match o.atom_upper() {
                    Some(x) if ["MIN", "MAX", "COUNT", "ALL"].contains(&x.as_str()) => v.push(x),
                    _ => return bad("RETURN options are MIN, MAX, COUNT and ALL"),
                }
            }
            if v.is_empty() {
                v.push("ALL".into());
            }
            ret = Some(v);
            args = &args[2..];
        }
        let sel = self.sel.as_ref().expect("selected");
        let found = match search::run(&sel.msgs, args, uid) {
            Ok(f) => f,
            Err(t) => return Done::Reply(t),
        };
        match ret {
            None => {
                let mut line = String::from("* SEARCH");
                for n in found {
                    line.push_str(&format!(" {n}"));
                }
                conn.reply(&line);
            }
            Some(opts) => {
                let mut tagq = Vec::new();
                string(&mut tagq, tag.as_bytes());
                let mut line = format!("* ESEARCH (TAG {})", String::from_utf8_lossy(&tagq));
                if uid {
                    line.push_str(" UID");
                }
                for o in opts {
                    match o.as_str() {
                        "MIN" if !found.is_empty() => line.push_str(&format!(" MIN {}", found[0])),
                        "MAX" if !found.is_empty() => line.push_str(&format!(" MAX {}", found[found.len() - 1])),
                        "COUNT" => line.push_str(&format!(" COUNT {}", found.len())),
                        "ALL" if !found.is_empty() => line.push_str(&format!(" ALL {}", uid_ranges(&found))),
                        _ => {}
                    }
                }
                conn.reply(&line);
            }
        }
        ok(if uid { "UID SEARCH completed" } else { "SEARCH completed" })
    }

    fn fetch(&mut self, conn: &mut Conn, args: &[Tok], uid: bool) -> io::Result<Done> {
        let (Some(set), Some(items)) = (args.first().and_then(Tok::text), args.get(1)) else {
            return Ok(bad("FETCH needs a set and items"));
        };
        let targets = match self.targets(&set, uid) {
            Ok(t) => t,
            Err(d) => return Ok(d),
        };
        let mut items = match fetch::parse_items(items) {
            Ok(i) => i,
            Err(e) => return Ok(bad(e)),
        };
        if uid && !items.contains(&fetch::Item::Uid) {
            items.insert(0, fetch::Item::Uid);
        }
        let sel = self.sel.as_mut().expect("selected");
        for i in targets {
            let sets_seen =
                !sel.readonly && items.iter().any(fetch::Item::sets_seen) && !sel.msgs[i].flags.contains(&'S');
            if sets_seen {
                let mut f = sel.msgs[i].flags.clone();
                f.insert('S');
                let _g = self.ctx.imap_store.lock().unwrap();
                if let Ok(p) = store::set_flags(&sel.msgs[i], &f) {
                    sel.msgs[i].path = p;
                    sel.msgs[i].flags = f;
                }
            }
            let mut out = Vec::new();
            if let Err(e) = fetch::render(&mut out, i + 1, &sel.msgs[i], &items, sets_seen) {
                if e.kind() == io::ErrorKind::NotFound {
                    // Expunged by another session meanwhile.
                    continue;
                }
                return Err(e);
            }
            conn.write(&out);
        }
        Ok(ok(if uid { "UID FETCH completed" } else { "FETCH completed" }))
    }

    fn store(&mut self, conn: &mut Conn, args: &[Tok], uid: bool) -> io::Result<Done> {
        let (Some(set), Some(op), Some(flags)) =
            (args.first().and_then(Tok::text), args.get(1).and_then(Tok::atom_upper), args.get(2))
        else {
            return Ok(bad("STORE needs a set, an operation and flags"));
        };
        let flag_toks = if args.len() > 3 { Tok::List(args[2..].to_vec()) } else { flags.clone() };
        let flags = match parse_flags(&flag_toks) {
            Ok(f) => f,
            Err(e) => return Ok(bad(e)),
        };
        let (op, silent) = match op.strip_suffix(".SILENT") {
            Some(o) => (o.to_string(), true),
            None => (op, false),
        };
        if !["FLAGS", "+FLAGS", "-FLAGS"].contains(&op.as_str()) {
            return Ok(bad(format!("Unknown STORE operation {op}")));
        }
        let targets = match self.targets(&set, uid) {
            Ok(t) => t,
            Err(d) => return Ok(d),
        };
        let sel = self.sel.as_mut().expect("selected");
        if sel.readonly {
            return Ok(no("[READ-ONLY] The mailbox is read-only"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        for i in targets {
            let m = &mut sel.msgs[i];
            let new: BTreeSet<char> = match op.as_str() {
                "FLAGS" => flags.clone(),
                "+FLAGS" => m.flags.union(&flags).copied().collect(),
                _ => m.flags.difference(&flags).copied().collect(),
            };
            match store::set_flags(m, &new) {
                Ok(p) => {
                    m.path = p;
                    m.flags = new;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
            if !silent {
                let uid_part = if uid { format!(" UID {}", m.uid) } else { String::new() };
                conn.reply(&format!("* {} FETCH (FLAGS {}{uid_part})", i + 1, flag_list(m)));
            }
        }
        Ok(ok(if uid { "UID STORE completed" } else { "STORE completed" }))
    }

    fn copy(&mut self, conn: &mut Conn, args: &[Tok], uid: bool, is_move: bool) -> io::Result<Done> {
        let Some(set) = args.first().and_then(Tok::text) else { return Ok(bad("Missing set")) };
        let name = match self.mailbox_arg(args.get(1)) {
            Ok(n) => n,
            Err(d) => return Ok(d),
        };
        let targets = match self.targets(&set, uid) {
            Ok(t) => t,
            Err(d) => return Ok(d),
        };
        let dir = match self.dir_of(&name) {
            Ok(d) => d,
            Err(d) => return Ok(d),
        };
        if !store::exists(&dir) {
            return Ok(no("[TRYCREATE] No such mailbox"));
        }
        let sel = self.sel.as_mut().expect("selected");
        if is_move && sel.readonly {
            return Ok(no("[READ-ONLY] The mailbox is read-only"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        let mut src = Vec::new();
        let mut dst = Vec::new();
        for &i in &targets {
            let m = &sel.msgs[i];
            match store::copy(m, &dir) {
                Ok(u) => {
                    src.push(m.uid);
                    dst.push(u);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let validity = store::scan(&dir)?.uidvalidity;
        let code = if src.is_empty() {
            String::new()
        } else {
            format!("[COPYUID {validity} {} {}] ", uid_ranges(&src), uid_ranges(&dst))
        };
        if !is_move {
            return Ok(ok(format!("{code}COPY completed")));
        }
        conn.reply(&format!("* OK {code}Moved"));
        for (removed, &i) in targets.iter().enumerate() {
            let idx = i - removed;
            let _ = std::fs::remove_file(&sel.msgs[idx].path);
            conn.reply(&format!("* {} EXPUNGE", idx + 1));
            sel.msgs.remove(idx);
        }
        let _ = store::scan(&sel.dir);
        Ok(ok("MOVE completed"))
    }

    fn expunge(&mut self, conn: &mut Conn, uids: Option<Vec<(u32, u32)>>) -> io::Result<Done> {
        let sel = self.sel.as_mut().expect("selected");
        if sel.readonly {
            return Ok(no("[READ-ONLY] The mailbox is read-only"));
        }
        let _g = self.ctx.imap_store.lock().unwrap();
        let mut i = 0;
        while i < sel.msgs.len() {
            let m = &sel.msgs[i];
            let chosen = uids.as_ref().is_none_or(|s| in_set(s, m.uid));
            if chosen && m.flags.contains(&'T') {
                match std::fs::remove_file(&m.path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                conn.reply(&format!("* {} EXPUNGE", i + 1));
                sel.msgs.remove(i);
            } else {
                i += 1;
            }
        }
        let _ = store::scan(&sel.dir);
        Ok(ok(if uids.is_some() { "UID EXPUNGE completed" } else { "EXPUNGE completed" }))
    }

    /// IDLE (RFC 2177): announce changes until the client sends DONE.
    fn idle(&mut self, conn: &mut Conn) -> io::Result<Done> {
        conn.reply("+ idling");
        conn.flush()?;
        let started = Instant::now();
        conn.set_read_timeout(Some(IDLE_POLL))?;
        let res = loop {
            match conn.read_line(command::MAX_LINE) {
                Ok(Line::Text(l)) if l.eq_ignore_ascii_case(b"DONE") => break Ok(ok("IDLE terminated")),
                Ok(Line::Text(_)) | Ok(Line::TooLong) => break Ok(bad("Expected DONE")),
                Ok(Line::Eof) => break Ok(Done::Eof),
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if started.elapsed() > IDLE_MAX {
                        conn.reply("* BYE IDLE for too long");
                        break Ok(Done::Eof);
                    }
                    if let Err(e) = self.refresh(conn, true, true) {
                        break Err(e);
                    }
                }
                Err(e) => break Err(e),
            }
        };
        conn.set_read_timeout(Some(crate::IDLE_TIMEOUT))?;
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_ranges_and_patterns() {
        assert_eq!(parse_set("1,3:5,7:*", 9), Some(vec![(1, 1), (3, 5), (7, 9)]));
        assert_eq!(parse_set("*:4", 2), Some(vec![(2, 4)]));
        assert_eq!(parse_set("0", 9), None);
        assert_eq!(parse_set("1,,2", 9), None);
        assert_eq!(parse_set("+1", 9), None);
        assert_eq!(uid_ranges(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        let w = |p: &str, n: &str| wildmatch(&p.chars().collect::<Vec<_>>(), &n.chars().collect::<Vec<_>>());
        assert!(w("*", "A.B"));
        assert!(w("%", "A"));
        assert!(!w("%", "A.B"));
        assert!(w("A.%", "A.B"));
        assert!(w("S*t", "Sent"));
    }
}
