// JScript: a send over STARTTLS. Arguments: smtp-port smtps-port pop3s-port ca-file.
try {
    var ssl = newSsl(MODE_STARTTLS);
    var smtp = newClient("SMTPClient", 0, ssl);
    smtp.Connect();
    check("TlsActive", smtp.TlsActive, 1);
    check("SSLCertificateStatus", ssl.Option(SSLCertificateStatus), mailCertificateValid);
    smtp.Send("alice@example.com", "alice@example.com", "Subject: from JScript\r\n\r\nbody\r\n");
    check("ReplyCode", smtp.ReplyCode, 250);
    smtp.Disconnect();
} catch (e) {
    exception(e);
}
finish();
