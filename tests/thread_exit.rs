//! Defect 6: csmail calls from a thread-local destructor, after csmail's own thread-local
//! storage of that thread is gone, must not abort the process (a panic outside the boundary's
//! catch_unwind aborts). The scenario runs in a child process (this test binary again), so an
//! abort shows as the child's failure instead of taking the test harness down.

use csmail::error::*;
use csmail::ffi::common::{csmail_last_eex, csmail_last_error_text};
use csmail::ffi::smtp::*;
use std::process::Command;
use std::ptr::{null, null_mut};

const CHILD: &str = "CSMAIL_THREAD_EXIT_CHILD";

/// Calls csmail when the thread's storage is destroyed and prints what it got.
struct CallsOnDrop(&'static str);

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        let rc = csmail_smtp_release(null());
        let eex = csmail_last_eex();
        let mut needed = 0usize;
        // SAFETY: NULL buffer asks for the size; needed is a local.
        let text_rc = unsafe { csmail_last_error_text(null_mut(), 0, &mut needed) };
        let h = csmail_smtp_new();
        let release = csmail_smtp_release(h);
        println!("{}: release NULL {rc}, eex {eex}, text {text_rc}, new+release {release}", self.0);
    }
}

thread_local! {
    static BEFORE: CallsOnDrop = const { CallsOnDrop("registered before csmail's") };
    static AFTER: CallsOnDrop = const { CallsOnDrop("registered after csmail's") };
}

fn scenario() {
    // Destructors run in the reverse order of registration: BEFORE's runs after csmail's
    // storage is gone, AFTER's while it is still there.
    std::thread::spawn(|| {
        BEFORE.with(|_| {});
        assert_eq!(csmail_smtp_release(null()), CSMAIL_E_INVALID_HANDLE);
        AFTER.with(|_| {});
    })
    .join()
    .unwrap();
    println!("done");
}

#[test]
fn calls_from_thread_local_destructors_do_not_abort() {
    if std::env::var_os(CHILD).is_some() {
        scenario();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "calls_from_thread_local_destructors_do_not_abort", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let invalid = CSMAIL_E_INVALID_HANDLE;
    let eex = eexInvalidHandle;
    assert!(
        stdout
            .contains(&format!("registered after csmail's: release NULL {invalid}, eex {eex}, text 0, new+release 0")),
        "{stdout}"
    );
    // After csmail's storage is gone the result codes still come; the last error is not kept.
    assert!(
        stdout.contains(&format!("registered before csmail's: release NULL {invalid}, eex 0, text 0, new+release 0")),
        "{stdout}"
    );
    assert!(stdout.contains("done"), "{stdout}");
}
