//! The coclasses of CSMailLib: name (and so ProgID `CSMailLib.<name>`), CLSID, the dispatch
//! interface's IID, and how a new instance is made.
//!
//! The GUIDs are fixed forever: registry entries, type libraries and early-bound VB6/VBA
//! programs keep them. A new class gets new GUIDs; none is ever reused.

use windows_core::GUID;

/// The type library: `CSMailLib`, version 1.0.
pub const LIBID: GUID = GUID::from_u128(0xF1D4B9EC_8AF1_48C3_8D5B_DD2EA5F79BBA);
pub const LIB_NAME: &str = "CSMailLib";
pub const LIB_VERSION: (u16, u16) = (1, 0);
/// The enum of constants in the type library.
pub const CONSTANTS_GUID: GUID = GUID::from_u128(0x0CE4FDEE_21B9_4170_9135_422F918C959A);
/// The event interface of a kind (a dispinterface: its name and IID), None for kinds without
/// events: LogHandler's OnLogMessage, the clients' OnProgress.
pub const fn events_of(kind: Kind) -> Option<(&'static str, GUID)> {
    match kind {
        Kind::LogHandler => Some(("DLogHandlerEvents", GUID::from_u128(0x431DE862_3A8F_4A56_874C_B99567C610EB))),
        Kind::Smtp => Some(("DSMTPClientEvents", GUID::from_u128(0x231D0838_75DC_4FEE_BB83_26D8659DC0E6))),
        Kind::Pop3 => Some(("DPOP3ClientEvents", GUID::from_u128(0x340A5A23_B53E_4FB5_B4EC_F29105B6AB20))),
        Kind::Imap => Some(("DIMAPClientEvents", GUID::from_u128(0x4F0CA5F4_6960_4627_AA1B_ABFE648CC7D1))),
        _ => None,
    }
}

/// What kind of library object a COM object wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Smtp,
    Pop3,
    Imap,
    SslInfo,
    LogHandler,
    ErrorInfo,
    /// A proxy handler of one `CSMAIL_PROXY_*` kind.
    Proxy(i32),
    Message,
    /// A MIME part of a Message (its attachments and sections).
    Section,
}

/// One creatable class.
pub struct ClassDef {
    /// The legacy class name; the ProgID is `CSMailLib.<name>`.
    pub name: &'static str,
    pub clsid: GUID,
    pub kind: Kind,
    pub doc: &'static str,
}

impl ClassDef {
    pub fn prog_id(&self) -> String {
        format!("{LIB_NAME}.{}", self.name)
    }
}

/// The dispatch interface of a kind: its name without the `I` and its IID. The proxy classes
/// share one interface, `IProxyInfo`.
pub const fn interface_of(kind: Kind) -> (&'static str, GUID) {
    match kind {
        Kind::Smtp => ("SMTPClient", GUID::from_u128(0xACE27D3A_461A_4D92_A44E_33FB3AAC3068)),
        Kind::Pop3 => ("POP3Client", GUID::from_u128(0x54255C87_D42D_42B8_98BB_8F8345A3200C)),
        Kind::Imap => ("IMAPClient", GUID::from_u128(0x9CCE0267_4114_4646_854D_2D188EA1426A)),
        Kind::SslInfo => ("SSLInfo", GUID::from_u128(0x6DED0771_F99C_4412_9C32_BE567803F6D9)),
        Kind::LogHandler => ("LogHandler", GUID::from_u128(0x7984E182_1409_446A_B040_BD32800C9CA1)),
        Kind::ErrorInfo => ("ErrorInfo", GUID::from_u128(0xC97FEFDE_8B73_4260_A689_9E8BE541BEBA)),
        Kind::Proxy(_) => ("ProxyInfo", GUID::from_u128(0x3B81FC6C_F4F7_4531_A98A_110B8A5DDB5F)),
        Kind::Message => ("Message", GUID::from_u128(0x4739CD06_7B63_47F7_9F65_B99BB5039EB3)),
        Kind::Section => ("Section", GUID::from_u128(0x9C1E5B2A_6D4F_4E8B_A3C7_5F20D81B6E94)),
    }
}

macro_rules! class {
    ($name:literal, $clsid:literal, $kind:expr, $doc:literal) => {
        ClassDef { name: $name, clsid: GUID::from_u128($clsid), kind: $kind, doc: $doc }
    };
}

use csmail::api::proxyinfo::{
    CSMAIL_PROXY_HTTP, CSMAIL_PROXY_POP3, CSMAIL_PROXY_SMTP, CSMAIL_PROXY_SOCKS4, CSMAIL_PROXY_SOCKS4A,
    CSMAIL_PROXY_SOCKS5,
};

/// Every creatable class, in type-library order.
pub static CLASSES: &[ClassDef] = &[
    class!("SMTPClient", 0x76B88743_6FCA_46FD_A840_1D88919FE757, Kind::Smtp, "An SMTP client"),
    class!("POP3Client", 0x88430726_44F6_4B1D_8AA2_297523BFC025, Kind::Pop3, "A POP3 client"),
    class!("IMAPClient", 0x1FEA4B3C_4A76_4420_AFFB_AEE2335995DB, Kind::Imap, "An IMAP client"),
    class!("SSLInfo", 0x3F48F74B_6EBF_4828_9805_2CC5799E2737, Kind::SslInfo, "TLS settings and results"),
    class!(
        "LogHandler",
        0x5AE3CE3A_4C49_48FC_B6A5_A13C97F6EBD8,
        Kind::LogHandler,
        "Protocol and TLS log (event OnLogMessage)"
    ),
    class!("ErrorInfo", 0x841808FC_FFB7_4E90_9EFB_6554FF13C528, Kind::ErrorInfo, "The detail of a failure"),
    class!("Message", 0xEA765A07_33DD_4786_8154_8FED46A78864, Kind::Message, "A MIME message"),
    class!(
        "Section",
        0x2B7F4C19_E3A8_4D56_8C0B_71E9A4D3F258,
        Kind::Section,
        "A MIME part (new: empty application/octet-stream)"
    ),
    class!(
        "SOCK4ProxyInfo",
        0xED69FF24_78E4_47CF_A1A1_5612625D0BC9,
        Kind::Proxy(CSMAIL_PROXY_SOCKS4),
        "A SOCKS 4 proxy"
    ),
    class!(
        "SOCK4AProxyInfo",
        0xC912AD71_1825_47FF_A9F3_4377A712BFC2,
        Kind::Proxy(CSMAIL_PROXY_SOCKS4A),
        "A SOCKS 4a proxy"
    ),
    class!(
        "SOCK5ProxyInfo",
        0x4E594051_19EE_495A_9BC4_FA3879987293,
        Kind::Proxy(CSMAIL_PROXY_SOCKS5),
        "A SOCKS 5 proxy"
    ),
    class!(
        "HTTPProxyInfo",
        0x7B56919C_A29A_46DA_9A86_B5828FC64AA9,
        Kind::Proxy(CSMAIL_PROXY_HTTP),
        "An HTTP CONNECT proxy"
    ),
    class!("POP3ProxyInfo", 0x55ED2325_7B58_4516_9987_E4B4EBA6ED6F, Kind::Proxy(CSMAIL_PROXY_POP3), "A POP3 proxy"),
    class!(
        "SMTPProxyInfo",
        0x27EDDFE7_8248_41FB_8FB8_B6B4022BE768,
        Kind::Proxy(CSMAIL_PROXY_SMTP),
        "An SMTP relay proxy"
    ),
];

/// The class of a CLSID.
pub fn by_clsid(clsid: &GUID) -> Option<&'static ClassDef> {
    CLASSES.iter().find(|c| c.clsid == *clsid)
}

/// The class of a kind (the first, for the shared proxy interface).
pub fn by_kind(kind: Kind) -> &'static ClassDef {
    CLASSES.iter().find(|c| c.kind == kind).unwrap_or(&CLASSES[0])
}
