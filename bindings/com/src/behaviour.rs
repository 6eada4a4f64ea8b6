//! What each member does: the calls into the csmail Rust API. Arguments arrive converted to
//! first-to-last order; results leave as `Value`s.

use crate::classes::Kind;
use crate::fault::{invalid, Fault};
use crate::members::{Action, Member, Op};
use crate::object::{inner_of, Automation, Automation_Impl, Inner};
use crate::variant::{is_missing, to_bool, to_bytes, to_i32, to_i32_list, to_list, to_object, to_string, Value};
use csmail::api::client::Protocol;
use csmail::api::{AdvancedHandler, Client, Section};
use csmail::error::{eexInvalidArgument, eexNotSupported, CSMAIL_E_NOT_SUPPORTED};
use csmail::options::{self, Kind as OptKind};
use std::sync::Arc;
use windows::Win32::System::Variant::VARIANT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Get,
    Put,
    Method,
}

type Res = Result<Value, Fault>;

pub fn invoke(obj: &Automation_Impl, member: &Member, call: Call, args: &[VARIANT], value: Option<&VARIANT>) -> Res {
    let this: &Automation = obj;
    let put_value = value;
    match (&this.inner, member.action) {
        (Inner::Smtp(c, _), Action::Property(id)) => client_property(c, id, call, put_value),
        (Inner::Pop3(c, _), Action::Property(id)) => client_property(c, id, call, put_value),
        (Inner::Imap(c, _, _), Action::Property(id)) => client_property(c, id, call, put_value),
        (Inner::Proxy(p), Action::Property(id)) => proxy_property(p, id, call, put_value),
        (Inner::Smtp(c, _), Action::Op(op)) => match client_op(c, op, call, args, put_value)? {
            Some(v) => Ok(v),
            None => smtp_op(c, op, args),
        },
        (Inner::Pop3(c, _), Action::Op(op)) => match client_op(c, op, call, args, put_value)? {
            Some(v) => Ok(v),
            None => pop3_op(c, op, args),
        },
        (Inner::Imap(c, _, memory), Action::Op(op)) => {
            if op == Op::Connect {
                memory.forget_mailbox();
            }
            match client_op(c, op, call, args, put_value)? {
                Some(v) => Ok(v),
                None => crate::imap::imap_op(c, memory, op, args),
            }
        }
        (Inner::Ssl(s), Action::Op(op)) => ssl_op(s, op, call, args, put_value),
        (Inner::Log(h, _), Action::Op(op)) => log_op(h, op, call, put_value),
        (Inner::Error(e), Action::Op(op)) => Ok(match op {
            Op::Number => Value::I4(e.number),
            Op::Text => Value::Str(e.text.clone()),
            Op::OsError => Value::I4(e.os_error),
            _ => return Err(unknown()),
        }),
        (Inner::Message(m), Action::Op(op)) => message_op(m, op, call, args, put_value),
        (Inner::Section(s), Action::Op(op)) => section_op(s, op, call, args, put_value),
        _ => Err(unknown()),
    }
}

/// The value of a property put (Invoke always passes one; checked once here).
fn need(value: Option<&VARIANT>) -> Result<&VARIANT, Fault> {
    value.ok_or(Fault::Dispatch(windows::Win32::Foundation::DISP_E_PARAMNOTOPTIONAL, None))
}

fn unknown() -> Fault {
    Fault::Dispatch(windows::Win32::Foundation::DISP_E_MEMBERNOTFOUND, None)
}

fn done(r: csmail::Result<()>) -> Res {
    r.map(|_| Value::Empty).map_err(Fault::from)
}

fn client_property<P: Protocol>(c: &Client<P>, id: i32, call: Call, value: Option<&VARIANT>) -> Res {
    let row = csmail::api::properties::find(id).ok_or_else(unknown)?;
    let int = row.kind == csmail::api::properties::PropKind::Int;
    match (call, int) {
        (Call::Get, true) => Ok(Value::I4(c.get_int(id)?)),
        (Call::Get, false) => Ok(Value::Str(c.get_str(id)?)),
        (_, true) => done(c.set_int(id, to_i32(need(value)?, 0)?)),
        (_, false) => done(c.set_str(id, &to_string(need(value)?, 0)?)),
    }
}

fn proxy_property(p: &csmail::api::ProxyInfo, id: i32, call: Call, value: Option<&VARIANT>) -> Res {
    let row = csmail::api::properties::find(id).ok_or_else(unknown)?;
    let int = row.kind == csmail::api::properties::PropKind::Int;
    match (call, int) {
        (Call::Get, true) => Ok(Value::I4(p.get_int(id)?)),
        (Call::Get, false) => Ok(Value::Str(p.get_str(id)?)),
        (_, true) => done(p.set_int(id, to_i32(need(value)?, 0)?)),
        (_, false) => done(p.set_str(id, &to_string(need(value)?, 0)?)),
    }
}

/// The handler an object passed to SetAdvancedHandler stands for.
fn handler_of(arg: &VARIANT) -> Result<AdvancedHandler, Fault> {
    let disp = to_object(arg, 0)?;
    match inner_of(&disp) {
        Some(Inner::Ssl(s)) => Ok(AdvancedHandler::Ssl(s.clone())),
        Some(Inner::Log(h, _)) => Ok(AdvancedHandler::Log(h.clone())),
        Some(Inner::Proxy(p)) => Ok(AdvancedHandler::Proxy(p.clone())),
        _ => Err(Fault::Library(csmail::Error::new(
            CSMAIL_E_NOT_SUPPORTED,
            eexNotSupported,
            "SetAdvancedHandler takes a CSMailLib SSLInfo, LogHandler or proxy object",
        ))),
    }
}

/// The members SMTPClient and POP3Client share; None when `op` is not one of them.
fn client_op<P: Protocol>(
    c: &Client<P>,
    op: Op,
    call: Call,
    args: &[VARIANT],
    value: Option<&VARIANT>,
) -> Result<Option<Value>, Fault> {
    use csmail::api::properties::CSMAIL_PROP_TIMEOUT_MS;
    Ok(Some(match op {
        Op::Connect => done(c.connect())?,
        Op::Abort => Value::Bool(c.abort()),
        Op::SetAdvancedHandler => done(c.set_advanced_handler(handler_of(&args[0])?))?,
        Op::RemoveAdvancedHandler => Value::Bool(c.remove_advanced_handler(&handler_of(&args[0])?)),
        Op::ExtendedError => Value::Object(Automation::wrap(Kind::ErrorInfo, Inner::Error(c.extended_error()))),
        Op::TimeoutSeconds if call == Call::Get => Value::I4(c.get_int(CSMAIL_PROP_TIMEOUT_MS)? / 1000),
        Op::TimeoutSeconds => {
            let seconds = to_i32(need(value)?, 0)?;
            if !(1..=86_400).contains(&seconds) {
                return Err(invalid(eexInvalidArgument, format!("Timeout {seconds}: give 1 to 86400 seconds")));
            }
            done(c.set_int(CSMAIL_PROP_TIMEOUT_MS, seconds * 1000))?
        }
        _ => return Ok(None),
    }))
}

fn smtp_op(c: &csmail::SmtpClient, op: Op, args: &[VARIANT]) -> Res {
    match op {
        Op::Disconnect => done(c.disconnect()),
        Op::Reset => done(c.reset()),
        Op::Send => {
            let from = to_string(&args[0], 0)?;
            let to = to_list(&args[1], 1)?;
            let body = to_bytes(&args[2], 2)?;
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            done(c.send(&from, &to, &mut body.as_slice()))
        }
        Op::SendFile => {
            let from = to_string(&args[0], 0)?;
            let to = to_list(&args[1], 1)?;
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            done(c.send_file(&from, &to, &to_string(&args[2], 2)?))
        }
        Op::SendMessage => match inner_of(&to_object(&args[0], 0)?) {
            Some(Inner::Message(m)) => done(c.send_message(m)),
            _ => Err(invalid(eexInvalidArgument, "SendMessage takes a CSMailLib.Message")),
        },
        _ => Err(unknown()),
    }
}

fn number(args: &[VARIANT], i: usize) -> Result<u32, Fault> {
    let n = to_i32(&args[i], i as u32)?;
    u32::try_from(n).map_err(|_| invalid(eexInvalidArgument, format!("message number {n}: numbers start at 1")))
}

fn pop3_op(c: &csmail::Pop3Client, op: Op, args: &[VARIANT]) -> Res {
    let message = |m: csmail::Message| Value::Object(Automation::wrap(Kind::Message, Inner::Message(Arc::new(m))));
    Ok(match op {
        Op::Disconnect => Value::Bool(c.disconnect()?),
        Op::Reset => done(c.reset())?,
        Op::Noop => done(c.noop())?,
        Op::Count => Value::I4(c.stat()?.0 as i32),
        Op::Size => Value::F64(c.stat()?.1 as f64),
        Op::MessageSize => Value::F64(c.message_size(number(args, 0)?)? as f64),
        Op::Uid => Value::Str(c.uid(number(args, 0)?)?),
        Op::GetMessage => message(c.retrieve_message(number(args, 0)?)?),
        Op::Top => {
            let lines = number(args, 1)?;
            message(c.top_message(number(args, 0)?, lines)?)
        }
        Op::Delete => done(c.delete(number(args, 0)?))?,
        _ => return Err(unknown()),
    })
}

fn ssl_op(s: &csmail::SslInfo, op: Op, call: Call, args: &[VARIANT], value: Option<&VARIANT>) -> Res {
    if op == Op::SetOption {
        return ssl_op(s, Op::Option, Call::Put, &args[..1], Some(&args[1]));
    }
    match (op, call) {
        (Op::Mode, Call::Get) => Ok(Value::I4(s.mode())),
        (Op::Mode, _) => done(s.set_mode(to_i32(need(value)?, 0)?)),
        (Op::OptionName, _) => {
            let index = to_i32(&args[0], 0)?;
            Ok(Value::Str(options::find(index).map_or(String::new(), |(_, d)| d.name.to_owned())))
        }
        (Op::Option, _) => {
            let index = to_i32(&args[0], 0)?;
            let kind = options::find(index).map(|(_, d)| d.kind);
            // An unknown index goes to the library as an Int, which reports eexUnknownOption.
            match (kind.unwrap_or(OptKind::Int), call) {
                (OptKind::Bool, Call::Get) => Ok(Value::Bool(s.get_int(index)? != 0)),
                (OptKind::Int, Call::Get) => Ok(Value::I4(s.get_int(index)?)),
                (OptKind::Str, Call::Get) => Ok(Value::Str(s.get_str(index)?)),
                (OptKind::IntArray, Call::Get) => Ok(Value::I4Array(s.get_array(index)?)),
                (OptKind::Bool, _) => done(s.set_int(index, i32::from(to_bool(need(value)?, 1)?))),
                (OptKind::Int, _) => done(s.set_int(index, to_i32(need(value)?, 1)?)),
                (OptKind::Str, _) => done(s.set_str(index, &to_string(need(value)?, 1)?)),
                (OptKind::IntArray, _) => done(s.set_array(index, &to_i32_list(need(value)?, 1)?)),
            }
        }
        _ => Err(unknown()),
    }
}

fn log_op(h: &csmail::LogHandler, op: Op, call: Call, value: Option<&VARIANT>) -> Res {
    let refused = |what: &str, v: i32| invalid(eexInvalidArgument, format!("LogHandler.{what} {v} is out of range"));
    match (op, call) {
        (Op::Level, Call::Get) => Ok(Value::I4(h.level())),
        (Op::Facility, Call::Get) => Ok(Value::I4(h.facility())),
        (Op::LogSecrets, Call::Get) => Ok(Value::Bool(h.log_secrets())),
        (Op::Level, _) => {
            let v = to_i32(need(value)?, 0)?;
            if h.set_level(v) {
                Ok(Value::Empty)
            } else {
                Err(refused("Level", v))
            }
        }
        (Op::Facility, _) => {
            let v = to_i32(need(value)?, 0)?;
            if h.set_facility(v) {
                Ok(Value::Empty)
            } else {
                Err(refused("Facility", v))
            }
        }
        (Op::LogSecrets, _) => {
            h.set_log_secrets(to_bool(need(value)?, 0)?);
            Ok(Value::Empty)
        }
        _ => Err(unknown()),
    }
}

fn message_op(m: &csmail::Message, op: Op, call: Call, args: &[VARIANT], value: Option<&VARIANT>) -> Res {
    let text = |s: Option<String>| Value::Str(s.unwrap_or_default());
    match (op, call) {
        (Op::Subject, Call::Get) => Ok(text(m.subject())),
        (Op::Subject, _) => done(m.set_subject(&to_string(need(value)?, 0)?)),
        (Op::TextBody, Call::Get) => Ok(text(m.text_body())),
        (Op::TextBody, _) => done(m.set_text_body(&to_string(need(value)?, 0)?)),
        (Op::HtmlBody, Call::Get) => Ok(text(m.html_body())),
        (Op::HtmlBody, _) => done(m.set_html_body(&to_string(need(value)?, 0)?)),
        (Op::Header, Call::Get) => Ok(text(m.header(&to_string(&args[0], 0)?))),
        (Op::Header, _) => done(m.set_header(&to_string(&args[0], 0)?, &to_string(need(value)?, 1)?)),
        (Op::AddAddress, _) => {
            let display = match args.get(2) {
                Some(v) if !is_missing(v) => Some(to_string(v, 2)?),
                _ => None,
            };
            done(m.add_address(&to_string(&args[0], 0)?, display.as_deref(), &to_string(&args[1], 1)?))
        }
        (Op::AddAttachment, _) => {
            m.add_attachment_file(&to_string(&args[0], 0)?, None, None).map(|_| Value::Empty).map_err(Fault::from)
        }
        (Op::Data, Call::Get) => Ok(Value::Str(String::from_utf8_lossy(&m.data()?).into_owned())),
        (Op::Data, _) => {
            m.load_bytes(to_bytes(need(value)?, 0)?);
            Ok(Value::Empty)
        }
        (Op::SaveToFile, _) => done(m.save_to_file(&to_string(&args[0], 0)?)),
        (Op::LoadFromFile, _) => done(m.load_from_file(&to_string(&args[0], 0)?)),
        (Op::NamedHeader(name), Call::Get) => Ok(text(m.header(name))),
        (Op::NamedHeader(name), _) => {
            let v = to_string(need(value)?, 0)?;
            if v.is_empty() {
                m.remove_header(name);
                Ok(Value::Empty)
            } else {
                done(m.set_header(name, &v))
            }
        }
        (Op::Priority, Call::Get) => Ok(Value::I4(m.priority())),
        (Op::Priority, _) => done(m.set_priority(to_i32(need(value)?, 0)?)),
        (Op::AddAttachmentData, _) => {
            let content_type = optional_string(args, 2)?;
            let data = to_bytes(&args[1], 1)?;
            Ok(section(m.add_attachment_bytes(&to_string(&args[0], 0)?, data, content_type.as_deref())?))
        }
        (Op::AddInline, _) => {
            Ok(section(m.add_inline_file(&to_string(&args[1], 1)?, &to_string(&args[0], 0)?, None)?))
        }
        (Op::AttachmentCount, _) => Ok(Value::I4(m.attachments().len() as i32)),
        (Op::Attachment, _) => pick(m.attachments(), &args[0], "Attachment", "AttachmentCount"),
        (Op::SectionCount, _) => Ok(Value::I4(m.sections().len() as i32)),
        (Op::Section, _) => pick(m.sections(), &args[0], "Section", "SectionCount"),
        _ => Err(unknown()),
    }
}

/// An optional string argument: None when left out.
fn optional_string(args: &[VARIANT], i: usize) -> Result<Option<String>, Fault> {
    match args.get(i) {
        Some(v) if !is_missing(v) => Ok(Some(to_string(v, i as u32)?)),
        _ => Ok(None),
    }
}

fn section(s: Arc<Section>) -> Value {
    Value::Object(Automation::wrap(Kind::Section, Inner::Section(s)))
}

/// Item `index` (1-based, as VB collections count) of a list of sections.
fn pick(list: Vec<Arc<Section>>, index: &VARIANT, what: &str, count: &str) -> Res {
    let i = to_i32(index, 0)?;
    match usize::try_from(i).ok().and_then(|i| i.checked_sub(1)).and_then(|i| list.get(i)) {
        Some(s) => Ok(section(s.clone())),
        None => Err(invalid(
            eexInvalidArgument,
            format!("{what}({i}): the message has {} ({count}); give 1 to {}", list.len(), list.len()),
        )),
    }
}

fn section_op(s: &Section, op: Op, call: Call, args: &[VARIANT], value: Option<&VARIANT>) -> Res {
    let text = |v: Option<String>| Value::Str(v.unwrap_or_default());
    // A string put: "" clears the field.
    let put = |value: Option<&VARIANT>| -> Result<Option<String>, Fault> {
        let v = to_string(need(value)?, 0)?;
        Ok(if v.is_empty() { None } else { Some(v) })
    };
    match (op, call) {
        (Op::ContentType, Call::Get) => Ok(Value::Str(s.content_type())),
        (Op::ContentType, _) => done(s.set_content_type(&to_string(need(value)?, 0)?)),
        (Op::Charset, Call::Get) => Ok(text(s.charset())),
        (Op::Charset, _) => done(s.set_charset(put(value)?.as_deref())),
        (Op::FileName, Call::Get) => Ok(text(s.file_name())),
        (Op::FileName, _) => done(s.set_file_name(put(value)?.as_deref())),
        (Op::ContentId, Call::Get) => Ok(text(s.content_id())),
        (Op::ContentId, _) => done(s.set_content_id(put(value)?.as_deref())),
        (Op::Disposition, Call::Get) => Ok(text(s.disposition())),
        (Op::Disposition, _) => done(s.set_disposition(put(value)?.as_deref())),
        (Op::Size, _) => Ok(Value::F64(s.size() as f64)),
        (Op::Text, Call::Get) => Ok(Value::Str(s.text()?)),
        (Op::Text, _) => done(s.set_text(&to_string(need(value)?, 0)?)),
        (Op::Data, Call::Get) => Ok(Value::Bytes(s.content()?)),
        (Op::Data, _) => done(s.set_content(to_bytes(need(value)?, 0)?)),
        (Op::SaveToFile, _) => {
            let name = optional_string(args, 1)?;
            let path = s.save_to_folder(&to_string(&args[0], 0)?, name.as_deref())?;
            Ok(Value::Str(path.to_string_lossy().into_owned()))
        }
        _ => Err(unknown()),
    }
}
