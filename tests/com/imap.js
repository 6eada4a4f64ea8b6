// JScript: IMAPClient over implicit TLS. Append into a mailbox of its own, Search (a VB array,
// read with VBArray), Fetch byte for byte, a refused Fetch caught with its number, and the
// mailbox deleted again. Arguments: smtp-port smtps-port pop3s-port ca-file imap-port imaps-port.
var failures = 0, checks = 0;
function check(what, got, want) {
    checks++;
    if (got === want) {
        WScript.Echo("  ok   " + what + " = " + got);
    } else {
        failures++;
        WScript.Echo("  FAIL " + what + ": got " + got + ", want " + want);
    }
}
// vbObjectError + 512 + a result code, as JScript's e.number shows it (signed).
function csmailError(result) {
    return (0x80040200 + result) | 0;
}
try {
    var imap = new ActiveXObject("CSMailLib.IMAPClient");
    var ssl = new ActiveXObject("CSMailLib.SSLInfo");
    ssl.Mode = MODE_CHANNEL;
    ssl.SetOption(SSLCAFile, WScript.Arguments(3));
    imap.SetAdvancedHandler(ssl);
    imap.ServerHost = "localhost";
    imap.Port = parseInt(WScript.Arguments(5), 10);
    imap.UserName = "alice";
    imap.Password = "alicepass";
    imap.Connect();
    check("TlsActive", imap.TlsActive, 1);
    imap.CreateMailbox("JScript");
    var body = "Subject: from JScript over IMAP\r\n\r\nbody\r\n";
    check("Append returns the UID", imap.Append("JScript", body, "\\Flagged"), 1);
    check("Select returns Exists", imap.Select("JScript"), 1);
    var uids = new VBArray(imap.Search("FLAGGED")).toArray();
    check("Search FLAGGED", uids.join(","), "1");
    check("Fetch byte for byte", imap.Fetch(uids[0]), body);
    check("Fetch by sequence number", imap.Fetch(1, false), body);
    check("Fetch HEADER section", imap.Fetch(1, true, "HEADER"), "Subject: from JScript over IMAP\r\n\r\n");
    var names = new VBArray(imap.List("JScript")).toArray();
    check("List", names.join(","), "JScript");
    try {
        imap.Fetch(9);
        check("Fetch of a UID not there raises", false, true);
    } catch (e) {
        check("Fetch of a UID not there: number", e.number, csmailError(CSMAIL_E_SERVER));
        check("  ExtendedError.Number", imap.ExtendedError.Number, eexImapNo);
    }
    imap.CloseMailbox();
    imap.DeleteMailbox("JScript");
    check("List after DeleteMailbox", new VBArray(imap.List("JScript")).toArray().length, 0);
    imap.Disconnect();
    check("Connected after Disconnect", imap.Connected, 0);
} catch (e) {
    failures++;
    WScript.Echo("  FAIL exception " + (e.number >>> 0).toString(16) + ": " + e.description);
}
if (failures === 0) {
    WScript.Echo("COM-TEST-PASSED " + checks + " checks");
    WScript.Quit(0);
}
WScript.Echo("COM-TEST-FAILED " + failures + " of " + checks + " checks");
WScript.Quit(1);
