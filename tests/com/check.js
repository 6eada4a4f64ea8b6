// Helpers of the JScript COM tests (put before every test by scripts/test-com-wine.sh, after the
// constants). Wine's cscript does not report script errors, so every test ends with finish(),
// which prints the line the runner looks for.
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
// An exception that ended a test early counts as a failure.
function exception(e) {
    failures++;
    WScript.Echo("  FAIL exception " + (e.number >>> 0).toString(16) + ": " + e.description);
}
// vbObjectError + 512 + a result code, as JScript's e.number shows it (signed).
function csmailError(result) {
    return (0x80040200 + result) | 0;
}
// An SSLInfo in a mode, trusting the test CA (the fourth argument).
function newSsl(mode) {
    var ssl = new ActiveXObject("CSMailLib.SSLInfo");
    ssl.Mode = mode;
    ssl.SetOption(SSLCAFile, WScript.Arguments(3));
    return ssl;
}
// A client (SMTPClient, POP3Client, IMAPClient) for alice on localhost, the port the argument at
// portArgument, with an SSLInfo.
function newClient(cls, portArgument, ssl) {
    var c = new ActiveXObject("CSMailLib." + cls);
    c.SetAdvancedHandler(ssl);
    c.ServerHost = "localhost";
    c.Port = parseInt(WScript.Arguments(portArgument), 10);
    c.UserName = "alice";
    c.Password = "alicepass";
    return c;
}
function finish() {
    if (failures === 0) {
        WScript.Echo("COM-TEST-PASSED " + checks + " checks");
        WScript.Quit(0);
    }
    WScript.Echo("COM-TEST-FAILED " + failures + " of " + checks + " checks");
    WScript.Quit(1);
}
