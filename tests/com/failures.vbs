' Failures raise COM errors: Err.Number = vbObjectError + 512 + result code, the detail in
' ExtendedError (Number = eex, Text, OSError).
On Error Resume Next
Dim smtp, ssl, e
Set smtp = CreateObject("CSMailLib.SMTPClient")
Set ssl = NewSsl(MODE_STARTTLS)
smtp.SetAdvancedHandler ssl
smtp.ServerHost = "localhost"
smtp.Port = SmtpPort
smtp.UserName = "alice"
smtp.Password = "wrong password"
smtp.Connect
Check "wrong password: Err.Number", Err.Number, CSMailError(CSMAIL_E_AUTH)
Check "wrong password: Err.Source", Err.Source, "CSMailLib.SMTPClient"
Err.Clear
Set e = smtp.ExtendedError
Check "wrong password: ExtendedError.Number", e.Number, eexSmtpServer
Check "wrong password: ExtendedError.Text names the reply", InStr(e.Text, "535") > 0, True

' A certificate for "localhost" while the name checked is another.
Set smtp = CreateObject("CSMailLib.SMTPClient")
Set ssl = NewSsl(MODE_CHANNEL)
ssl.Option(SSLServerName) = "mail.example.com"
smtp.SetAdvancedHandler ssl
smtp.ServerHost = "localhost"
smtp.Port = SmtpsPort
smtp.Connect
Check "name mismatch: Err.Number", Err.Number, CSMailError(CSMAIL_E_CONNECT)
Err.Clear
Check "name mismatch: ExtendedError.Number", smtp.ExtendedError.Number, eexSSLCertName
Check "name mismatch: SSLCertificateStatus", ssl.Option(SSLCertificateStatus), mailCertificateNoMatch
Check "name mismatch: Connected", smtp.Connected, 0

' Misuse gives errors, never a crash.
ssl.Option(SSLConnectionProtocolOut) = SSL_TLS12
Check "setting an output option: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
ssl.Option(9999) = 1
Check "unknown option: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
smtp.Send "alice@example.com", "alice@example.com", "x"
Check "Send while not connected: Err.Number", Err.Number, CSMailError(CSMAIL_E_NOT_CONNECTED)
Err.Clear
smtp.Send "alice@example.com"
Check "Send with one argument: Err.Number (wrong number of arguments)", Err.Number, 450
Err.Clear
smtp.SetAdvancedHandler Nothing
Check "SetAdvancedHandler Nothing: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
smtp.SetAdvancedHandler CreateObject("CSMailLib.ErrorInfo")
Check "SetAdvancedHandler ErrorInfo: Err.Number", Err.Number, CSMailError(CSMAIL_E_NOT_SUPPORTED)
Err.Clear
smtp.ServerHost = "evil" & vbCrLf & "host"
Check "CR/LF in ServerHost: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
Dim x : x = smtp.NoSuchMember
Check "unknown member: Err.Number", Err.Number, 438
Err.Clear
Finish
