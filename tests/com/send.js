// JScript: a send over STARTTLS. Arguments: smtp-port smtps-port pop3s-port ca-file.
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
try {
    var smtp = new ActiveXObject("CSMailLib.SMTPClient");
    var ssl = new ActiveXObject("CSMailLib.SSLInfo");
    ssl.Mode = MODE_STARTTLS;
    ssl.SetOption(SSLCAFile, WScript.Arguments(3));
    smtp.SetAdvancedHandler(ssl);
    smtp.ServerHost = "localhost";
    smtp.Port = parseInt(WScript.Arguments(0), 10);
    smtp.UserName = "alice";
    smtp.Password = "alicepass";
    smtp.Connect();
    check("TlsActive", smtp.TlsActive, 1);
    check("SSLCertificateStatus", ssl.Option(SSLCertificateStatus), mailCertificateValid);
    smtp.Send("alice@example.com", "alice@example.com", "Subject: from JScript\r\n\r\nbody\r\n");
    check("ReplyCode", smtp.ReplyCode, 250);
    smtp.Disconnect();
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
