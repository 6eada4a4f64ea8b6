//! The members of each dispatch interface: name, DISPID, shape, parameters, type, and what they
//! do. GetIDsOfNames, Invoke and the type library all read these lists, so a member is declared
//! once here.
//!
//! Where the library has a table, the members come from it: the client and proxy properties are
//! the rows of `csmail::api::properties::PROPERTIES` (DISPID 1000 + the property id, the table's
//! name, type and access), and the legacy names of the README's object table (`ServerHost`,
//! `UserName`, `EHLOName`, `Authentication`) are aliases of rows (DISPID 2000 + id). The
//! operations (Connect, Send, Option(index), ...) are the hand-written list below.

use crate::classes::Kind;
use csmail::api::properties::{
    Access, Object, PropKind, CSMAIL_PROP_AUTH_MECH, CSMAIL_PROP_EHLO_NAME, CSMAIL_PROP_HOST, CSMAIL_PROP_USER,
    PROPERTIES,
};
use std::sync::OnceLock;

/// The type of a value crossing the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Void,
    I4,
    /// Sizes that may pass 2 GiB.
    F64,
    Bool,
    Str,
    /// Any VARIANT (Option's values, recipient lists, message bodies).
    Variant,
    /// An object of this library (ErrorInfo, Message) or any IDispatch.
    Object,
}

/// A parameter of a method or of an indexed property.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
    pub optional: bool,
}

/// Property (read and/or write) or method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Property { get: bool, put: bool },
    Method,
}

/// The hand-written operations (everything that is not a table property).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Connect,
    Disconnect,
    Reset,
    Abort,
    Noop,
    Send,
    SendFile,
    SendMessage,
    SetAdvancedHandler,
    RemoveAdvancedHandler,
    ExtendedError,
    /// Timeout in seconds (legacy), over the table's TimeoutMs.
    TimeoutSeconds,
    Count,
    Size,
    MessageSize,
    Uid,
    GetMessage,
    Top,
    Delete,
    Mode,
    Option,
    /// Option(index) = value as a method, for JScript (which cannot assign to a call).
    SetOption,
    OptionName,
    Level,
    Facility,
    LogSecrets,
    Number,
    Text,
    OsError,
    Subject,
    TextBody,
    HtmlBody,
    Header,
    AddAddress,
    AddAttachment,
    Data,
    SaveToFile,
    LoadFromFile,
    /// A header as a string property (From, To, Date, ...), through the header API.
    NamedHeader(&'static str),
    Priority,
    AddAttachmentData,
    AddInline,
    AttachmentCount,
    Attachment,
    SectionCount,
    Section,
    ContentType,
    Charset,
    FileName,
    ContentId,
    Disposition,
    /// IMAPClient's operations (see `crate::imap`).
    Imap(ImapOp),
}

/// The operations of IMAPClient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImapOp {
    Select,
    Examine,
    Mailbox,
    Exists,
    Recent,
    UidValidity,
    UidNext,
    FirstUnseen,
    ReadOnly,
    MailboxFlags,
    PermanentFlags,
    List,
    MailboxAttributes,
    Status,
    CreateMailbox,
    DeleteMailbox,
    RenameMailbox,
    Subscribe,
    Unsubscribe,
    CloseMailbox,
    Search,
    Fetch,
    FetchToFile,
    FetchMessage,
    FetchMany,
    MessageFlags,
    MessageSize,
    StoreFlags,
    Copy,
    Move,
    Expunge,
    Append,
    AppendFile,
    AppendMessage,
    Idle,
}

/// What a member does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A row of the property table, by id.
    Property(i32),
    Op(Op),
}

#[derive(Clone, Debug)]
pub struct Member {
    pub name: &'static str,
    pub dispid: i32,
    pub shape: Shape,
    /// Method parameters, or the index of an indexed property (`Option(index)`).
    pub params: &'static [Param],
    /// The property's type or the method's result.
    pub ty: Ty,
    pub action: Action,
    pub doc: &'static str,
}

/// DISPIDs of the table's properties: 1000 + id; their legacy aliases: 2000 + id.
const PROPERTY_BASE: i32 = 1000;
const ALIAS_BASE: i32 = 2000;

/// The legacy names of the README's object table that differ from the property table's names.
const LEGACY_ALIASES: &[(&str, i32)] = &[
    ("ServerHost", CSMAIL_PROP_HOST),
    ("UserName", CSMAIL_PROP_USER),
    ("EHLOName", CSMAIL_PROP_EHLO_NAME),
    ("Authentication", CSMAIL_PROP_AUTH_MECH),
];

const fn p(name: &'static str, ty: Ty) -> Param {
    Param { name, ty, optional: false }
}
const fn opt(name: &'static str, ty: Ty) -> Param {
    Param { name, ty, optional: true }
}

const GET: Shape = Shape::Property { get: true, put: false };
const GET_PUT: Shape = Shape::Property { get: true, put: true };
const METHOD: Shape = Shape::Method;

/// (name, dispid, shape, params, type, op, doc)
type Row = (&'static str, i32, Shape, &'static [Param], Ty, Op, &'static str);

const CLIENT_COMMON: &[Row] = &[
    ("Connect", 1, METHOD, &[], Ty::Void, Op::Connect, "Connects (TLS as SSLInfo says) and logs in."),
    ("Reset", 3, METHOD, &[], Ty::Void, Op::Reset, "RSET."),
    ("Abort", 4, METHOD, &[], Ty::Bool, Op::Abort, "Ends the running operation; True when one was running."),
    (
        "SetAdvancedHandler",
        5,
        METHOD,
        &[p("Handler", Ty::Object)],
        Ty::Void,
        Op::SetAdvancedHandler,
        "Attaches an SSLInfo, LogHandler or proxy object.",
    ),
    (
        "RemoveAdvancedHandler",
        6,
        METHOD,
        &[p("Handler", Ty::Object)],
        Ty::Bool,
        Op::RemoveAdvancedHandler,
        "Detaches a handler set before; True when it was attached.",
    ),
    ("ExtendedError", 7, GET, &[], Ty::Object, Op::ExtendedError, "The ErrorInfo of the last operation."),
    ("Timeout", 8, GET_PUT, &[], Ty::I4, Op::TimeoutSeconds, "Timeout of each network step in seconds."),
];

const SMTP: &[Row] = &[
    ("Disconnect", 2, METHOD, &[], Ty::Void, Op::Disconnect, "QUIT."),
    (
        "Send",
        20,
        METHOD,
        &[p("From", Ty::Str), p("Recipients", Ty::Variant), p("Body", Ty::Variant)],
        Ty::Void,
        Op::Send,
        "Sends a message (a string or a byte array) to one recipient, a comma list or an array.",
    ),
    (
        "SendFile",
        21,
        METHOD,
        &[p("From", Ty::Str), p("Recipients", Ty::Variant), p("Path", Ty::Str)],
        Ty::Void,
        Op::SendFile,
        "Sends the message in a file.",
    ),
    (
        "SendMessage",
        22,
        METHOD,
        &[p("Message", Ty::Object)],
        Ty::Void,
        Op::SendMessage,
        "Sends a Message object; the envelope comes from its headers.",
    ),
];

const POP3: &[Row] = &[
    ("Disconnect", 2, METHOD, &[], Ty::Bool, Op::Disconnect, "QUIT; True when the deletions were committed."),
    ("Noop", 9, METHOD, &[], Ty::Void, Op::Noop, "NOOP."),
    ("Count", 30, GET, &[], Ty::I4, Op::Count, "The number of messages (STAT)."),
    ("Size", 31, GET, &[], Ty::F64, Op::Size, "The mailbox size in bytes (STAT)."),
    ("MessageSize", 32, GET, &[p("Number", Ty::I4)], Ty::F64, Op::MessageSize, "A message's size (LIST n)."),
    ("UID", 33, GET, &[p("Number", Ty::I4)], Ty::Str, Op::Uid, "A message's unique id (UIDL n)."),
    (
        "GetMessage",
        34,
        METHOD,
        &[p("Number", Ty::I4)],
        Ty::Object,
        Op::GetMessage,
        "Retrieves a message (RETR) as a Message.",
    ),
    (
        "Top",
        35,
        METHOD,
        &[p("Number", Ty::I4), p("Lines", Ty::I4)],
        Ty::Object,
        Op::Top,
        "The headers and the first lines of a message (TOP).",
    ),
    ("Delete", 36, METHOD, &[p("Number", Ty::I4)], Ty::Void, Op::Delete, "Marks a message for deletion (DELE)."),
];

/// The optional last parameter of IMAPClient's message operations: True (the default) when the
/// numbers are UIDs, False for message sequence numbers.
const UID: Param = opt("UID", Ty::Bool);

const IMAP: &[Row] = &[
    ("Disconnect", 2, METHOD, &[], Ty::Void, Op::Disconnect, "LOGOUT and close."),
    ("Noop", 9, METHOD, &[], Ty::Void, Op::Noop, "NOOP (also picks up new messages)."),
    (
        "Select",
        110,
        METHOD,
        &[p("Mailbox", Ty::Str)],
        Ty::Variant,
        Op::Imap(ImapOp::Select),
        "Opens a mailbox read-write; returns its message count (also in Exists).",
    ),
    (
        "Examine",
        111,
        METHOD,
        &[p("Mailbox", Ty::Str)],
        Ty::Variant,
        Op::Imap(ImapOp::Examine),
        "Opens a mailbox read-only; returns its message count (also in Exists).",
    ),
    ("Mailbox", 112, GET, &[], Ty::Str, Op::Imap(ImapOp::Mailbox), "The selected mailbox; \"\" when none."),
    (
        "Exists",
        113,
        GET,
        &[],
        Ty::Variant,
        Op::Imap(ImapOp::Exists),
        "The message count as the last Select, Examine or Idle told it.",
    ),
    ("Recent", 114, GET, &[], Ty::Variant, Op::Imap(ImapOp::Recent), "RECENT of the last Select or Examine."),
    (
        "UIDValidity",
        115,
        GET,
        &[],
        Ty::Variant,
        Op::Imap(ImapOp::UidValidity),
        "UIDVALIDITY of the selected mailbox (UIDs stay valid while it stays the same).",
    ),
    ("UIDNext", 116, GET, &[], Ty::Variant, Op::Imap(ImapOp::UidNext), "UIDNEXT of the last Select or Examine."),
    (
        "FirstUnseen",
        117,
        GET,
        &[],
        Ty::Variant,
        Op::Imap(ImapOp::FirstUnseen),
        "The number of the first unseen message; 0 when the server did not tell.",
    ),
    ("ReadOnly", 118, GET, &[], Ty::Bool, Op::Imap(ImapOp::ReadOnly), "True when the mailbox was opened read-only."),
    (
        "MailboxFlags",
        119,
        GET,
        &[],
        Ty::Str,
        Op::Imap(ImapOp::MailboxFlags),
        "The flags the mailbox knows, space-separated (\\Seen \\Deleted ...).",
    ),
    (
        "PermanentFlags",
        120,
        GET,
        &[],
        Ty::Str,
        Op::Imap(ImapOp::PermanentFlags),
        "The flags that can be stored permanently, space-separated.",
    ),
    (
        "List",
        121,
        METHOD,
        &[opt("Pattern", Ty::Str), opt("Reference", Ty::Str)],
        Ty::Variant,
        Op::Imap(ImapOp::List),
        "LIST: the mailbox names (an array) matching Pattern (default \"*\", every mailbox).",
    ),
    (
        "MailboxAttributes",
        122,
        GET,
        &[p("Mailbox", Ty::Str)],
        Ty::Str,
        Op::Imap(ImapOp::MailboxAttributes),
        "The attributes the last List gave a mailbox, space-separated (\\HasNoChildren \\Sent); \"\" when not listed.",
    ),
    (
        "Status",
        123,
        METHOD,
        &[p("Mailbox", Ty::Str), opt("Item", Ty::Str)],
        Ty::Variant,
        Op::Imap(ImapOp::Status),
        "STATUS: MESSAGES (default), RECENT, UIDNEXT, UIDVALIDITY or UNSEEN of a mailbox; -1 when not told.",
    ),
    ("CreateMailbox", 124, METHOD, &[p("Mailbox", Ty::Str)], Ty::Void, Op::Imap(ImapOp::CreateMailbox), "CREATE."),
    ("DeleteMailbox", 125, METHOD, &[p("Mailbox", Ty::Str)], Ty::Void, Op::Imap(ImapOp::DeleteMailbox), "DELETE."),
    (
        "RenameMailbox",
        126,
        METHOD,
        &[p("Mailbox", Ty::Str), p("NewName", Ty::Str)],
        Ty::Void,
        Op::Imap(ImapOp::RenameMailbox),
        "RENAME.",
    ),
    ("Subscribe", 127, METHOD, &[p("Mailbox", Ty::Str)], Ty::Void, Op::Imap(ImapOp::Subscribe), "SUBSCRIBE."),
    ("Unsubscribe", 128, METHOD, &[p("Mailbox", Ty::Str)], Ty::Void, Op::Imap(ImapOp::Unsubscribe), "UNSUBSCRIBE."),
    (
        "CloseMailbox",
        129,
        METHOD,
        &[opt("Expunge", Ty::Bool)],
        Ty::Void,
        Op::Imap(ImapOp::CloseMailbox),
        "Leaves the selected mailbox: CLOSE with Expunge (removes the \\Deleted messages), else UNSELECT.",
    ),
    (
        "Search",
        130,
        METHOD,
        &[p("Criteria", Ty::Str), UID],
        Ty::Variant,
        Op::Imap(ImapOp::Search),
        "SEARCH with IMAP criteria (\"UNSEEN FROM bob\"): an array of UIDs (or sequence numbers).",
    ),
    (
        "Fetch",
        131,
        METHOD,
        &[p("ID", Ty::Variant), UID, opt("Section", Ty::Str)],
        Ty::Str,
        Op::Imap(ImapOp::Fetch),
        "A message (or a section: \"HEADER\", \"TEXT\", \"1.2\") as text, read as UTF-8; leaves it unseen.",
    ),
    (
        "FetchToFile",
        132,
        METHOD,
        &[p("ID", Ty::Variant), p("Path", Ty::Str), UID],
        Ty::F64,
        Op::Imap(ImapOp::FetchToFile),
        "Writes a message's bytes to a file; returns the size.",
    ),
    (
        "FetchMessage",
        133,
        METHOD,
        &[p("ID", Ty::Variant), UID],
        Ty::Object,
        Op::Imap(ImapOp::FetchMessage),
        "A message as a Message object.",
    ),
    (
        "FetchMany",
        134,
        METHOD,
        &[p("UIDs", Ty::Variant), p("Folder", Ty::Str)],
        Ty::Variant,
        Op::Imap(ImapOp::FetchMany),
        "Messages by UID into Folder\\<UID>.eml, pipelined; returns the UIDs fetched (gone ones are skipped).",
    ),
    (
        "MessageFlags",
        135,
        GET,
        &[p("ID", Ty::Variant), UID],
        Ty::Str,
        Op::Imap(ImapOp::MessageFlags),
        "A message's flags, space-separated.",
    ),
    (
        "MessageSize",
        136,
        GET,
        &[p("ID", Ty::Variant), UID],
        Ty::F64,
        Op::Imap(ImapOp::MessageSize),
        "A message's size in bytes (RFC822.SIZE).",
    ),
    (
        "StoreFlags",
        137,
        METHOD,
        &[p("Set", Ty::Variant), p("Operation", Ty::I4), p("Flags", Ty::Variant), UID],
        Ty::Void,
        Op::Imap(ImapOp::StoreFlags),
        "STORE: Operation 1 adds, -1 removes, 0 replaces Flags (\"\\Seen \\Flagged\" or an array) on a set.",
    ),
    (
        "Copy",
        138,
        METHOD,
        &[p("Set", Ty::Variant), p("Mailbox", Ty::Str), UID],
        Ty::Void,
        Op::Imap(ImapOp::Copy),
        "COPY a set (an ID, an array of IDs, or \"1:5,7\") to a mailbox.",
    ),
    (
        "Move",
        139,
        METHOD,
        &[p("Set", Ty::Variant), p("Mailbox", Ty::Str), UID],
        Ty::Void,
        Op::Imap(ImapOp::Move),
        "MOVE a set to a mailbox (COPY, \\Deleted and EXPUNGE where the server has no MOVE).",
    ),
    (
        "Expunge",
        140,
        METHOD,
        &[opt("UIDs", Ty::Variant)],
        Ty::Void,
        Op::Imap(ImapOp::Expunge),
        "EXPUNGE the \\Deleted messages; with UIDs only those (UID EXPUNGE).",
    ),
    (
        "Append",
        141,
        METHOD,
        &[p("Mailbox", Ty::Str), p("Body", Ty::Variant), opt("Flags", Ty::Variant)],
        Ty::Variant,
        Op::Imap(ImapOp::Append),
        "APPEND a message (a string, as UTF-8, or a byte array); returns its UID, 0 when the server does not tell.",
    ),
    (
        "AppendFile",
        142,
        METHOD,
        &[p("Mailbox", Ty::Str), p("Path", Ty::Str), opt("Flags", Ty::Variant)],
        Ty::Variant,
        Op::Imap(ImapOp::AppendFile),
        "APPEND the message in a file; returns its UID (0: not told).",
    ),
    (
        "AppendMessage",
        143,
        METHOD,
        &[p("Mailbox", Ty::Str), p("Message", Ty::Object), opt("Flags", Ty::Variant)],
        Ty::Variant,
        Op::Imap(ImapOp::AppendMessage),
        "APPEND a Message object (Bcc kept); returns its UID (0: not told).",
    ),
    (
        "Idle",
        144,
        METHOD,
        &[p("Seconds", Ty::I4)],
        Ty::Bool,
        Op::Imap(ImapOp::Idle),
        "IDLE until the mailbox changes or Seconds pass; True when it changed (Exists has the new count).",
    ),
];

const SSLINFO: &[Row] = &[
    ("Mode", 40, GET_PUT, &[], Ty::I4, Op::Mode, "MODE_CHANNEL (implicit TLS) or MODE_STARTTLS."),
    (
        "Option",
        41,
        GET_PUT,
        &[p("Index", Ty::I4)],
        Ty::Variant,
        Op::Option,
        "An option or output by index: Bool options as Boolean, arrays as arrays, else Long or String.",
    ),
    (
        "SetOption",
        43,
        METHOD,
        &[p("Index", Ty::I4), p("Value", Ty::Variant)],
        Ty::Void,
        Op::SetOption,
        "Option(Index) = Value, for JScript.",
    ),
    ("OptionName", 42, GET, &[p("Index", Ty::I4)], Ty::Str, Op::OptionName, "The name of an option index."),
];

const LOGHANDLER: &[Row] = &[
    ("Level", 50, GET_PUT, &[], Ty::I4, Op::Level, "LOG_S_FATAL .. LOG_S_INFORMATION."),
    ("Facility", 51, GET_PUT, &[], Ty::I4, Op::Facility, "LOG_F_* flags."),
    ("LogSecrets", 52, GET_PUT, &[], Ty::Bool, Op::LogSecrets, "Shows credentials in the log (off by default)."),
];

const ERRORINFO: &[Row] = &[
    ("Number", 0, GET, &[], Ty::I4, Op::Number, "The eex number; 0 after success."),
    ("Text", 61, GET, &[], Ty::Str, Op::Text, "What happened, in words."),
    ("OSError", 62, GET, &[], Ty::I4, Op::OsError, "The operating system's error code, else 0."),
];

const MESSAGE: &[Row] = &[
    ("Subject", 70, GET_PUT, &[], Ty::Str, Op::Subject, "The Subject header."),
    ("TextBody", 71, GET_PUT, &[], Ty::Str, Op::TextBody, "The text/plain body."),
    ("HTMLBody", 72, GET_PUT, &[], Ty::Str, Op::HtmlBody, "The text/html body."),
    ("Header", 73, GET_PUT, &[p("Name", Ty::Str)], Ty::Str, Op::Header, "Any header, decoded; \"\" when missing."),
    (
        "AddAddress",
        74,
        METHOD,
        &[p("HeaderName", Ty::Str), p("Address", Ty::Str), opt("DisplayName", Ty::Str)],
        Ty::Void,
        Op::AddAddress,
        "Adds an address to From, To, Cc, Bcc, Reply-To or Sender.",
    ),
    ("AddAttachment", 75, METHOD, &[p("Path", Ty::Str)], Ty::Void, Op::AddAttachment, "Attaches a file."),
    ("Text", 76, GET_PUT, &[], Ty::Str, Op::Data, "The whole message as text (the bytes read as UTF-8)."),
    ("SaveToFile", 77, METHOD, &[p("Path", Ty::Str)], Ty::Void, Op::SaveToFile, "Writes the message to a file."),
    ("LoadFromFile", 78, METHOD, &[p("Path", Ty::Str)], Ty::Void, Op::LoadFromFile, "Reads a message from a file."),
    ("From", 79, GET_PUT, &[], Ty::Str, Op::NamedHeader("From"), "The From header (`\"Name\" <a@b>, c@d`)."),
    ("To", 80, GET_PUT, &[], Ty::Str, Op::NamedHeader("To"), "The To header."),
    ("CC", 81, GET_PUT, &[], Ty::Str, Op::NamedHeader("Cc"), "The Cc header."),
    ("BCC", 82, GET_PUT, &[], Ty::Str, Op::NamedHeader("Bcc"), "The Bcc header (never sent)."),
    ("ReplyTo", 83, GET_PUT, &[], Ty::Str, Op::NamedHeader("Reply-To"), "The Reply-To header."),
    ("Date", 84, GET_PUT, &[], Ty::Str, Op::NamedHeader("Date"), "The Date header (set when sent if empty)."),
    ("MessageID", 85, GET_PUT, &[], Ty::Str, Op::NamedHeader("Message-ID"), "The Message-ID header."),
    ("Priority", 86, GET_PUT, &[], Ty::I4, Op::Priority, "1 (highest) to 5 (lowest), X-Priority; 3 normal."),
    (
        "AddAttachmentData",
        87,
        METHOD,
        &[p("FileName", Ty::Str), p("Data", Ty::Variant), opt("ContentType", Ty::Str)],
        Ty::Object,
        Op::AddAttachmentData,
        "Attaches data (a string as UTF-8 or a byte array) under a file name; returns the Section.",
    ),
    (
        "AddInline",
        88,
        METHOD,
        &[p("Path", Ty::Str), p("ContentID", Ty::Str)],
        Ty::Object,
        Op::AddInline,
        "Adds a file as an inline part the HTML body shows with cid:ContentID; returns the Section.",
    ),
    ("AttachmentCount", 89, GET, &[], Ty::I4, Op::AttachmentCount, "The number of attachments."),
    ("Attachment", 90, GET, &[p("Index", Ty::I4)], Ty::Object, Op::Attachment, "An attachment (1 to AttachmentCount)."),
    ("SectionCount", 91, GET, &[], Ty::I4, Op::SectionCount, "The number of leaf sections (MIME parts)."),
    ("Section", 92, GET, &[p("Index", Ty::I4)], Ty::Object, Op::Section, "A leaf section (1 to SectionCount)."),
];

const SECTION: &[Row] = &[
    ("ContentType", 100, GET_PUT, &[], Ty::Str, Op::ContentType, "The content type, e.g. text/plain."),
    ("Charset", 101, GET_PUT, &[], Ty::Str, Op::Charset, "The charset parameter; \"\" when none."),
    ("FileName", 102, GET_PUT, &[], Ty::Str, Op::FileName, "The file name; \"\" when none."),
    ("ContentID", 103, GET_PUT, &[], Ty::Str, Op::ContentId, "The Content-ID; \"\" when none."),
    ("Disposition", 104, GET_PUT, &[], Ty::Str, Op::Disposition, "attachment, inline or \"\"."),
    ("Size", 105, GET, &[], Ty::F64, Op::Size, "The decoded content's size in bytes."),
    ("Text", 106, GET_PUT, &[], Ty::Str, Op::Text, "The decoded content as text (UTF-8)."),
    ("Data", 107, GET_PUT, &[], Ty::Variant, Op::Data, "The decoded content as a byte array."),
    (
        "SaveToFile",
        108,
        METHOD,
        &[p("Folder", Ty::Str), opt("FileName", Ty::Str)],
        Ty::Str,
        Op::SaveToFile,
        "Writes the decoded content into a folder under its file name (or FileName); returns the path.",
    ),
];

fn rows_of(kind: Kind) -> Vec<&'static Row> {
    let lists: &[&'static [Row]] = match kind {
        Kind::Smtp => &[CLIENT_COMMON, SMTP],
        Kind::Pop3 => &[CLIENT_COMMON, POP3],
        // IMAP has no RSET: the shared client members but Reset.
        Kind::Imap => &[CLIENT_COMMON, IMAP],
        Kind::SslInfo => &[SSLINFO],
        Kind::LogHandler => &[LOGHANDLER],
        Kind::ErrorInfo => &[ERRORINFO],
        Kind::Proxy(_) => &[],
        Kind::Message => &[MESSAGE],
        Kind::Section => &[SECTION],
    };
    lists.iter().flat_map(|l| l.iter()).filter(|r| !(kind == Kind::Imap && r.5 == Op::Reset)).collect()
}

fn table_object(kind: Kind) -> Option<Object> {
    match kind {
        Kind::Smtp => Some(Object::Smtp),
        Kind::Pop3 => Some(Object::Pop3),
        Kind::Imap => Some(Object::Imap),
        Kind::Proxy(_) => Some(Object::Proxy),
        _ => None,
    }
}

fn build(kind: Kind) -> Vec<Member> {
    let mut members: Vec<Member> = rows_of(kind)
        .into_iter()
        .map(|&(name, dispid, shape, params, ty, op, doc)| Member {
            name,
            dispid,
            shape,
            params,
            ty,
            action: Action::Op(op),
            doc,
        })
        .collect();
    if let Some(object) = table_object(kind) {
        for row in PROPERTIES.iter().filter(|r| r.objects.contains(&object)) {
            let shape = Shape::Property { get: row.access != Access::WriteOnly, put: row.access != Access::ReadOnly };
            let ty = match row.kind {
                PropKind::Int => Ty::I4,
                PropKind::Str => Ty::Str,
            };
            let member = Member {
                name: row.name,
                dispid: PROPERTY_BASE + row.id,
                shape,
                params: &[],
                ty,
                action: Action::Property(row.id),
                doc: row.doc,
            };
            for &(alias, id) in LEGACY_ALIASES.iter().filter(|(_, id)| *id == row.id) {
                members.push(Member { name: alias, dispid: ALIAS_BASE + id, ..member.clone() });
            }
            members.push(member);
        }
    }
    members
}

/// The members of a kind's interface (proxy kinds share one list).
pub fn members(kind: Kind) -> &'static [Member] {
    static LISTS: OnceLock<Vec<(Kind, Vec<Member>)>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        [
            Kind::Smtp,
            Kind::Pop3,
            Kind::Imap,
            Kind::SslInfo,
            Kind::LogHandler,
            Kind::ErrorInfo,
            Kind::Proxy(0),
            Kind::Message,
            Kind::Section,
        ]
        .into_iter()
        .map(|k| (k, build(k)))
        .collect()
    });
    let key = match kind {
        Kind::Proxy(_) => Kind::Proxy(0),
        k => k,
    };
    lists.iter().find(|(k, _)| *k == key).map(|(_, m)| m.as_slice()).unwrap_or(&[])
}

/// The member of a name, compared without regard to case as VBScript and VB do.
pub fn by_name(kind: Kind, name: &str) -> Option<&'static Member> {
    members(kind).iter().find(|m| m.name.eq_ignore_ascii_case(name))
}

pub fn by_dispid(kind: Kind, dispid: i32) -> Option<&'static Member> {
    members(kind).iter().find(|m| m.dispid == dispid)
}

/// An event: name, DISPID, parameters, meaning.
pub type Event = (&'static str, i32, &'static [Param], &'static str);

/// LogHandler's event: a log line.
pub const ON_LOG_MESSAGE: Event = (
    "OnLogMessage",
    1,
    &[p("Severity", Ty::I4), p("Facility", Ty::I4), p("Message", Ty::Str)],
    "A log line: severity (LOG_S_*), facility (LOG_F_*), text",
);

/// The clients' event: progress of Send, GetMessage, Top and IMAP's fetches and appends in bytes; BytesTotal is -1 when
/// not known. Call Abort from the handler to stop the operation.
pub const ON_PROGRESS: Event = (
    "OnProgress",
    1,
    &[p("BytesDone", Ty::F64), p("BytesTotal", Ty::F64)],
    "Progress of Send, GetMessage, Top, IMAP fetches and appends in bytes (BytesTotal -1: not known)",
);

/// The events of a kind.
pub fn events(kind: Kind) -> &'static [Event] {
    match kind {
        Kind::LogHandler => &[ON_LOG_MESSAGE],
        Kind::Smtp | Kind::Pop3 | Kind::Imap => &[ON_PROGRESS],
        _ => &[],
    }
}
