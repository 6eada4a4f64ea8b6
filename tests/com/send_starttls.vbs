' SMTP over STARTTLS with the legacy names (wine's VBScript lacks ChrW: Chr gives the Windows-1252
' characters ü and ß), the negotiated TLS outputs, and the log through
' WScript.ConnectObject.
On Error Resume Next
Dim smtp, ssl, log, logLines
logLines = 0
Sub log_OnLogMessage(severity, facility, message)
    logLines = logLines + 1
End Sub

Set smtp = CreateObject("CSMailLib.SMTPClient")
NoError "CreateObject(""CSMailLib.SMTPClient"")"
Set ssl = NewSsl(MODE_STARTTLS)
Set log = CreateObject("CSMailLib.LogHandler")
log.Level = LOG_S_INFORMATION
Check "LogHandler.Level", log.Level, LOG_S_INFORMATION
WScript.ConnectObject log, "log_"
Dim connectErr : connectErr = Err.Number
Err.Clear
smtp.SetAdvancedHandler ssl
smtp.SetAdvancedHandler log
NoError "SetAdvancedHandler ssl, log"
smtp.ServerHost = "localhost"
smtp.Port = SmtpPort
smtp.UserName = "alice"
smtp.Password = "alicepass"
smtp.Timeout = 20
Check "ServerHost", smtp.ServerHost, "localhost"
Check "Host (the table's name)", smtp.Host, "localhost"
Check "Port", smtp.Port, SmtpPort
Check "UserName", smtp.UserName, "alice"
Check "Timeout (seconds)", smtp.Timeout, 20
Check "TimeoutMs", smtp.TimeoutMs, 20000
smtp.Connect
NoError "Connect (STARTTLS)"
Check "Connected", smtp.Connected, 1
Check "TlsActive", smtp.TlsActive, 1
Check "SSLInfo.Option(SSLConnectionProtocolOut)", ssl.Option(SSLConnectionProtocolOut), SSL_TLS13
Check "SSLInfo.Option(SSLCertificateStatus)", ssl.Option(SSLCertificateStatus), mailCertificateValid
Check "SSLInfo.Option(SSLNoServerNameCheck) is a Boolean", TypeName(ssl.Option(SSLNoServerNameCheck)), "Boolean"
Check "SSLInfo.Option(SSLCertificateSubject) names localhost", InStr(ssl.Option(SSLCertificateSubject), "localhost") > 0, True
smtp.Send "alice@example.com", "alice@example.com", "Subject: from VBScript over STARTTLS" & vbCrLf & vbCrLf & "Gr" & Chr(252) & Chr(223) & "e" & vbCrLf
NoError "Send"
Check "ReplyCode after Send", smtp.ReplyCode, 250
Check "ExtendedError.Number after success", smtp.ExtendedError.Number, 0
smtp.Disconnect
NoError "Disconnect"
Check "Connected after Disconnect", smtp.Connected, 0
If connectErr = 0 Then
    Check "OnLogMessage events received", logLines > 0, True
Else
    WScript.Echo "  SKIP WScript.ConnectObject raised " & connectErr & " (wine's cscript does not implement it)"
End If
Finish
