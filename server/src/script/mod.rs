//! Scripted mode: a one-connection server that follows a script, for tests
//! of how a client copes with a misbehaving (or precisely controlled) server.
//!
//! `parse` reads the script text into steps, `run` plays them on the one
//! connection, `server` is the public handle that starts and finishes it,
//! `random` writes seeded random hostile sessions ([`Script::random`]).
//!
//! # Script format
//!
//! One step per line. Blank lines and lines whose first non-blank character
//! is `#` are ignored. Keywords are case-sensitive.
//!
//! | step | meaning |
//! |------|---------|
//! | `S: text` | send `text` + CRLF |
//! | `S*N: text` | send `text` + CRLF, N times (e.g. `S*100000: 250-x`) |
//! | `RAW: text` | send `text` as is, no CRLF added |
//! | `CLEAR: text` | send the pending replies and then `text` on the bare socket, outside TLS, in one write (a server that drops out of TLS mid-session: the client reads both at once) |
//! | `RAWN: count byte` | send `count` copies of one byte (a character or an escape), no CRLF |
//! | `C: pattern` | read one line from the client (up to LF, CRLF stripped) and compare; a trailing `*` matches any rest, `\T` one word (an IMAP tag). A line that does not match is recorded in `mismatches` and the script goes on. The line's first word becomes the client's current tag |
//! | `LITERAL` | read the literal the client's last line announced (`{n}` or `{n+}` at its end: exactly n octets, kept only in `received`); the rest of the command is the next `C:` line. A synchronising literal needs a `S: + go` before it, as on a real server |
//! | `DATA` | read dot-stuffed data up to and including the `.` CRLF line (just consumed; the bytes are in `received`) |
//! | `TLS` | server side of a TLS handshake now (for STARTTLS/STLS); later steps run over TLS. Bytes the client sent before the handshake that were not consumed are dropped and recorded as a mismatch |
//! | `SLEEP ms` | pause |
//! | `CLOSE` | close the connection (ends the script) |
//! | `HANG` | send nothing more; keep the connection open until the client closes it or 30 s pass (ends the script) |
//! | `EXPECT-EOF` | wait (up to 30 s) until the client closes; anything it sends meanwhile is a mismatch |
//!
//! After `S:`, `S*N:`, `RAW:`, `RAWN:` and `C:` exactly one optional space is
//! skipped; the rest of the line (trailing spaces included) is the text.
//! Escapes in texts and patterns: `\r` `\n` `\t` `\0` `\\` `\xHH` (and `\*`
//! for a literal star at the end of a pattern). In `S:`, `S*N:` and `RAW:` texts `\T` is
//! the client's current tag (the first word of the last line a `C:` step read), so a script
//! can answer IMAP commands whatever tags the client picks, or spoof them:
//!
//! ```text
//! S: * OK [CAPABILITY IMAP4rev1 LITERAL+] scripted
//! C: \T LOGIN *
//! S: * 1 FETCH (BODY[] {99999999999})
//! S: \T OK done
//! C: \T APPEND INBOX {5}
//! S: + go
//! LITERAL
//! C:
//! S: * BYE going away mid-command
//! RAWN: 100000000 x
//! ```
//!
//! Reaching the end of the script closes the connection. `completed` is true
//! when every step ran. If the client hangs up while the server is sending,
//! or before a `C:`/`DATA` step got its input, the script stops there:
//! `completed` is false; a missing `C:` line is also recorded as a mismatch.

mod parse;
mod random;
mod run;
mod server;

use std::time::Duration;

pub use parse::Script;
pub use random::{random_text, Dialect};
pub use server::{ScriptOutcome, ScriptedServer};

/// How long `finish`, HANG and EXPECT-EOF wait, and how long the server
/// waits for the client to connect.
const WAIT: Duration = Duration::from_secs(30);
