// JScript: IMAPClient over implicit TLS. Append into a mailbox of its own, Search (a VB array,
// read with VBArray), Fetch byte for byte, a refused Fetch caught with its number, and the
// mailbox deleted again. Arguments: smtp-port smtps-port pop3s-port ca-file imap-port imaps-port.
try {
    var imap = newClient("IMAPClient", 5, newSsl(MODE_CHANNEL));
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
    exception(e);
}
finish();
