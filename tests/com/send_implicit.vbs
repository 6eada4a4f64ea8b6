' SMTP over implicit TLS (MODE_CHANNEL), a byte-array body and a recipient array.
On Error Resume Next
Dim smtp, ssl
Set smtp = CreateObject("CSMailLib.SMTPClient")
Set ssl = NewSsl(MODE_CHANNEL)
Check "SSLInfo.Mode", ssl.Mode, MODE_CHANNEL
smtp.SetAdvancedHandler ssl
smtp.ServerHost = "localhost"
smtp.Port = SmtpsPort
smtp.UserName = "alice"
smtp.Password = "alicepass"
smtp.Connect
NoError "Connect (implicit TLS)"
Check "TlsActive", smtp.TlsActive, 1
Check "SSLCertificateStatus", ssl.Option(SSLCertificateStatus), mailCertificateValid
smtp.Send "alice@example.com", Array("alice@example.com"), "Subject: from VBScript over implicit TLS" & vbCrLf & vbCrLf & "body" & vbCrLf
NoError "Send"
smtp.Disconnect
NoError "Disconnect"
Finish
