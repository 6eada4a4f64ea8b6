//! The C ABI takes the SASL mechanisms on both clients: CSMAIL_AUTH_OAUTHBEARER (and the
//! mechanisms POP3 now speaks through AUTH) set through csmail_*_set_int, read back, and used
//! for a login on the bundled server; a value outside the table is refused.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::ffi::common::csmail_last_eex;
use csmail::ffi::pop3::*;
use csmail::ffi::smtp::*;
use std::ffi::CString;

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// A POP3 handle for alice on the bundled server with `mech` and `secret`; returns the connect
/// result and the thread's eex after it.
fn pop3_login(fx: &Fixture, mech: i32, secret: &str) -> (i32, i32) {
    let p = csmail_pop3_new();
    let (host, user, pass) = (cs("localhost"), cs("alice"), cs(secret));
    let mut value = -1;
    let mut committed = 0;
    // SAFETY: a live handle and local pointers.
    let r = unsafe {
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_PORT, fx.server.pop3_port as i32), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_AUTH_MECH, mech), CSMAIL_OK);
        assert_eq!(csmail_pop3_get_int(p, CSMAIL_PROP_AUTH_MECH, &mut value), CSMAIL_OK);
        assert_eq!(value, mech);
        let r = (csmail_pop3_connect(p), csmail_last_eex());
        if r.0 == CSMAIL_OK {
            assert_eq!(csmail_pop3_disconnect(p, &mut committed), CSMAIL_OK);
            assert_eq!(committed, 1);
        }
        r
    };
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    r
}

fn smtp_login(fx: &Fixture, mech: i32, secret: &str) -> (i32, i32) {
    let s = csmail_smtp_new();
    let (host, user, pass) = (cs("localhost"), cs("alice"), cs(secret));
    let mut value = -1;
    // SAFETY: a live handle and local pointers.
    let r = unsafe {
        assert_eq!(csmail_smtp_set_str(s, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(s, CSMAIL_PROP_PORT, fx.server.smtp_port as i32), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(s, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(s, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(s, CSMAIL_PROP_AUTH_MECH, mech), CSMAIL_OK);
        assert_eq!(csmail_smtp_get_int(s, CSMAIL_PROP_AUTH_MECH, &mut value), CSMAIL_OK);
        assert_eq!(value, mech);
        let r = (csmail_smtp_connect(s), csmail_last_eex());
        if r.0 == CSMAIL_OK {
            assert_eq!(csmail_smtp_disconnect(s), CSMAIL_OK);
        }
        r
    };
    assert_eq!(csmail_smtp_release(s), CSMAIL_OK);
    r
}

#[test]
fn oauthbearer_through_the_c_abi() {
    assert_eq!(CSMAIL_AUTH_OAUTHBEARER, 7);
    let fx = Fixture::start();
    assert_eq!(pop3_login(&fx, CSMAIL_AUTH_OAUTHBEARER, "token-alicepass"), (CSMAIL_OK, 0));
    assert_eq!(pop3_login(&fx, CSMAIL_AUTH_OAUTHBEARER, "alicepass"), (CSMAIL_E_AUTH, eexPopServer));
    assert_eq!(smtp_login(&fx, CSMAIL_AUTH_OAUTHBEARER, "token-alicepass"), (CSMAIL_OK, 0));
    assert_eq!(smtp_login(&fx, CSMAIL_AUTH_OAUTHBEARER, "alicepass"), (CSMAIL_E_AUTH, eexSmtpServer));
}

#[test]
fn pop3_sasl_mechanisms_through_the_c_abi() {
    let fx = Fixture::start();
    for mech in [CSMAIL_AUTH_LOGIN, CSMAIL_AUTH_CRAM_MD5] {
        assert_eq!(pop3_login(&fx, mech, "alicepass"), (CSMAIL_OK, 0), "mechanism {mech}");
    }
    assert_eq!(pop3_login(&fx, CSMAIL_AUTH_XOAUTH2, "token-alicepass"), (CSMAIL_OK, 0));
}

#[test]
fn a_mechanism_outside_the_table_is_refused() {
    let p = csmail_pop3_new();
    let s = csmail_smtp_new();
    let mut value = -1;
    // SAFETY: live handles and a local pointer.
    unsafe {
        assert_eq!(
            csmail_pop3_set_int(p, CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER + 1),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexInvalidArgument);
        assert_eq!(csmail_pop3_get_int(p, CSMAIL_PROP_AUTH_MECH, &mut value), CSMAIL_OK);
        assert_eq!(value, CSMAIL_AUTH_AUTO);
        assert_eq!(
            csmail_smtp_set_int(s, CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER + 1),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_smtp_set_int(s, CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_APOP), CSMAIL_E_INVALID_ARGUMENT);
    }
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    assert_eq!(csmail_smtp_release(s), CSMAIL_OK);
}
