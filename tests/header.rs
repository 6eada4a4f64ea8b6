//! The committed header must be exactly what cbindgen generates from the sources.

#[test]
fn committed_header_matches_generated() {
    let generated = std::fs::read_to_string(env!("CSMAIL_GENERATED_HEADER")).expect("generated header");
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/csmail.h")).expect("include/csmail.h");
    assert!(generated == committed, "include/csmail.h is stale: copy {} over it", env!("CSMAIL_GENERATED_HEADER"));
}
