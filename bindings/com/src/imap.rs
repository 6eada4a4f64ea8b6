//! IMAPClient: what its members call in csmail's `ImapClient`, and what the object remembers
//! between calls for VBScript's sake — the mailbox the last Select or Examine opened (its counts
//! become properties: `n = imap.Select("INBOX")`, then `imap.UIDValidity`) and the attributes
//! of the last List's mailboxes (List returns a plain array of names, which `For Each` walks).

use crate::classes::Kind;
use crate::fault::{invalid, Fault};
use crate::members::{ImapOp, Op};
use crate::object::{inner_of, Automation, Inner};
use crate::variant::{
    is_missing, to_bool, to_bytes, to_flags, to_i32, to_id, to_ids, to_object, to_set, to_string, Value,
};
use csmail::api::imap_client::{FetchItems, FlagOp, ListEntry, MailboxInfo, Search};
use csmail::api::ImapClient;
use csmail::error::eexInvalidArgument;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use windows::Win32::System::Variant::VARIANT;

type Res = Result<Value, Fault>;

/// What the object remembers of earlier calls.
#[derive(Default)]
pub struct ImapState {
    /// The mailbox the last Select or Examine opened, and what the server said of it.
    selected: Option<(String, MailboxInfo)>,
    /// The entries of the last List.
    listed: Vec<ListEntry>,
}

/// The state of an IMAPClient object.
pub struct ImapMemory(Mutex<ImapState>);

impl ImapMemory {
    pub fn new() -> ImapMemory {
        ImapMemory(Mutex::new(ImapState::default()))
    }

    /// Forgets the mailbox selected on an earlier connection (a new Connect starts with none).
    pub fn forget_mailbox(&self) {
        self.lock().selected = None;
    }

    fn lock(&self) -> MutexGuard<'_, ImapState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Argument `i` when given, else `default`.
fn optional<T>(
    args: &[VARIANT],
    i: usize,
    default: T,
    convert: impl FnOnce(&VARIANT, u32) -> Result<T, Fault>,
) -> Result<T, Fault> {
    match args.get(i) {
        Some(v) if !is_missing(v) => convert(v, i as u32),
        _ => Ok(default),
    }
}

/// The UID flag at position `i`: True unless given False.
fn uid_flag(args: &[VARIANT], i: usize) -> Result<bool, Fault> {
    optional(args, i, true, to_bool)
}

/// The optional flag list at position `i` (APPEND's flags).
fn flags_at(args: &[VARIANT], i: usize) -> Result<Vec<String>, Fault> {
    optional(args, i, Vec::new(), to_flags)
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn message_object(m: csmail::Message) -> Value {
    Value::Object(Automation::wrap(Kind::Message, Inner::Message(Arc::new(m))))
}

/// One message's attributes (FETCH), or an error naming the message the server does not have.
fn fetched(
    c: &ImapClient,
    id: u32,
    uid: bool,
    items: FetchItems,
) -> Result<csmail::api::imap_client::FetchedMessage, Fault> {
    let mut list = c.fetch_info(&id.to_string(), uid, items)?;
    if list.is_empty() {
        let what = if uid { "UID" } else { "message number" };
        return Err(invalid(eexInvalidArgument, format!("the mailbox has no message with {what} {id}")));
    }
    Ok(list.swap_remove(0))
}

/// A STATUS item by name.
fn status_item(info: &csmail::api::imap_client::StatusInfo, item: &str) -> Result<Option<u32>, Fault> {
    Ok(match item.to_ascii_uppercase().as_str() {
        "MESSAGES" => info.messages,
        "RECENT" => info.recent,
        "UIDNEXT" => info.uid_next,
        "UIDVALIDITY" => info.uid_validity,
        "UNSEEN" => info.unseen,
        _ => {
            return Err(invalid(
                eexInvalidArgument,
                format!("Status item {item:?}: give MESSAGES, RECENT, UIDNEXT, UIDVALIDITY or UNSEEN"),
            ))
        }
    })
}

/// A number of the selected mailbox; 0 (and "" or False) when none is selected.
fn selected_value(memory: &ImapMemory, op: ImapOp) -> Value {
    let state = memory.lock();
    let Some((name, info)) = &state.selected else {
        return match op {
            ImapOp::Mailbox | ImapOp::MailboxFlags | ImapOp::PermanentFlags => Value::Str(String::new()),
            ImapOp::ReadOnly => Value::Bool(false),
            _ => Value::I4(0),
        };
    };
    match op {
        ImapOp::Mailbox => Value::Str(name.clone()),
        ImapOp::Recent => Value::number(info.recent),
        ImapOp::UidValidity => Value::number(info.uid_validity),
        ImapOp::UidNext => Value::number(info.uid_next),
        ImapOp::FirstUnseen => Value::number(info.first_unseen),
        ImapOp::ReadOnly => Value::Bool(info.read_only),
        ImapOp::MailboxFlags => Value::Str(info.flags.join(" ")),
        ImapOp::PermanentFlags => Value::Str(info.permanent_flags.join(" ")),
        _ => Value::number(info.exists),
    }
}

/// IMAPClient's own members (the shared client members are behaviour's `client_op`).
pub fn imap_op(c: &ImapClient, memory: &ImapMemory, op: Op, args: &[VARIANT]) -> Res {
    let op = match op {
        Op::Disconnect => {
            memory.lock().selected = None;
            c.disconnect()?;
            return Ok(Value::Empty);
        }
        Op::Noop => {
            c.noop()?;
            return Ok(Value::Empty);
        }
        Op::Imap(op) => op,
        _ => return Err(Fault::Dispatch(windows::Win32::Foundation::DISP_E_MEMBERNOTFOUND, None)),
    };
    let text = |i: usize| to_string(&args[i], i as u32);
    Ok(match op {
        ImapOp::Select | ImapOp::Examine => {
            let name = text(0)?;
            // A failed SELECT leaves no mailbox selected (RFC 9051 6.3.2).
            memory.lock().selected = None;
            let info = if op == ImapOp::Select { c.select(&name)? } else { c.examine(&name)? };
            let exists = info.exists;
            memory.lock().selected = Some((name, info));
            Value::number(exists)
        }
        ImapOp::Mailbox
        | ImapOp::Exists
        | ImapOp::Recent
        | ImapOp::UidValidity
        | ImapOp::UidNext
        | ImapOp::FirstUnseen
        | ImapOp::ReadOnly
        | ImapOp::MailboxFlags
        | ImapOp::PermanentFlags => selected_value(memory, op),
        ImapOp::List => {
            let pattern = optional(args, 0, "*".to_owned(), to_string)?;
            let reference = optional(args, 1, String::new(), to_string)?;
            let entries = c.list(&reference, &pattern)?;
            let names = entries.iter().map(|e| e.name.clone()).collect();
            memory.lock().listed = entries;
            Value::StrArray(names)
        }
        ImapOp::MailboxAttributes => {
            let name = text(0)?;
            let state = memory.lock();
            let entry = state.listed.iter().find(|e| e.name == name);
            Value::Str(entry.map_or(String::new(), |e| e.attributes.join(" ")))
        }
        ImapOp::Status => {
            let item = optional(args, 1, "MESSAGES".to_owned(), to_string)?;
            // The item is checked before the command goes out.
            status_item(&Default::default(), &item)?;
            let info = c.status(&text(0)?)?;
            status_item(&info, &item)?.map_or(Value::I4(-1), Value::number)
        }
        ImapOp::CreateMailbox => unit(c.create_mailbox(&text(0)?))?,
        ImapOp::DeleteMailbox => unit(c.delete_mailbox(&text(0)?))?,
        ImapOp::RenameMailbox => unit(c.rename_mailbox(&text(0)?, &text(1)?))?,
        ImapOp::Subscribe => unit(c.subscribe(&text(0)?, true))?,
        ImapOp::Unsubscribe => unit(c.subscribe(&text(0)?, false))?,
        ImapOp::CloseMailbox => {
            let expunge = optional(args, 0, false, to_bool)?;
            c.close_mailbox(expunge)?;
            memory.lock().selected = None;
            Value::Empty
        }
        ImapOp::Search => {
            let criteria = Search::new().raw(&text(0)?);
            Value::NumArray(c.search(&criteria, uid_flag(args, 1)?)?)
        }
        ImapOp::Fetch => {
            let id = to_id(&args[0], 0)?;
            let section = optional(args, 2, String::new(), to_string)?;
            let mut data = Vec::new();
            c.fetch_body(id, uid_flag(args, 1)?, &section, &mut data)?;
            Value::Str(String::from_utf8_lossy(&data).into_owned())
        }
        ImapOp::FetchToFile => {
            let id = to_id(&args[0], 0)?;
            Value::F64(c.fetch_file(id, uid_flag(args, 2)?, &text(1)?)? as f64)
        }
        ImapOp::FetchMessage => message_object(c.fetch_message(to_id(&args[0], 0)?, uid_flag(args, 1)?)?),
        ImapOp::FetchMany => {
            let uids = to_ids(&args[0], 0)?;
            let folder = PathBuf::from(text(1)?);
            if !folder.is_dir() {
                return Err(invalid(
                    eexInvalidArgument,
                    format!("FetchMany: {} is not a folder; create it first", folder.display()),
                ));
            }
            let got =
                c.fetch_many_whole(&uids, move |uid, bytes| std::fs::write(folder.join(format!("{uid}.eml")), bytes))?;
            Value::NumArray(got)
        }
        ImapOp::MessageFlags => {
            let items = FetchItems { flags: true, ..FetchItems::NONE };
            Value::Str(fetched(c, to_id(&args[0], 0)?, uid_flag(args, 1)?, items)?.flags.join(" "))
        }
        ImapOp::MessageSize => {
            let items = FetchItems { size: true, ..FetchItems::NONE };
            Value::F64(f64::from(fetched(c, to_id(&args[0], 0)?, uid_flag(args, 1)?, items)?.size))
        }
        ImapOp::StoreFlags => {
            let set = to_set(&args[0], 0)?;
            let op = match to_i32(&args[1], 1)? {
                1.. => FlagOp::Add,
                0 => FlagOp::Replace,
                _ => FlagOp::Remove,
            };
            let flags = to_flags(&args[2], 2)?;
            unit(c.store_flags(&set, uid_flag(args, 3)?, op, &as_strs(&flags)))?
        }
        ImapOp::Copy => unit(c.copy(&to_set(&args[0], 0)?, uid_flag(args, 2)?, &text(1)?))?,
        ImapOp::Move => unit(c.move_messages(&to_set(&args[0], 0)?, uid_flag(args, 2)?, &text(1)?))?,
        ImapOp::Expunge => match args.first() {
            Some(v) if !is_missing(v) => unit(c.uid_expunge(&to_set(v, 0)?))?,
            _ => unit(c.expunge())?,
        },
        ImapOp::Append => {
            let body = to_bytes(&args[1], 1)?;
            let flags = flags_at(args, 2)?;
            Value::number(c.append(&text(0)?, &as_strs(&flags), &mut body.as_slice())?)
        }
        ImapOp::AppendFile => {
            let flags = flags_at(args, 2)?;
            Value::number(c.append_file(&text(0)?, &as_strs(&flags), &text(1)?)?)
        }
        ImapOp::AppendMessage => {
            let flags = flags_at(args, 2)?;
            match inner_of(&to_object(&args[1], 1)?) {
                Some(Inner::Message(m)) => Value::number(c.append_message(&text(0)?, &as_strs(&flags), m)?),
                _ => return Err(invalid(eexInvalidArgument, "AppendMessage takes a CSMailLib.Message")),
            }
        }
        ImapOp::Idle => {
            let seconds = to_i32(&args[0], 0)?;
            if !(1..=1740).contains(&seconds) {
                return Err(invalid(
                    eexInvalidArgument,
                    format!("Idle {seconds}: give 1 to 1740 seconds (29 minutes)"),
                ));
            }
            let outcome = c.idle(Duration::from_secs(seconds as u64))?;
            if let Some((_, info)) = memory.lock().selected.as_mut() {
                info.exists = outcome.exists;
            }
            Value::Bool(!outcome.events.is_empty())
        }
    })
}

fn unit(r: csmail::Result<()>) -> Res {
    r.map(|_| Value::Empty).map_err(Fault::from)
}
