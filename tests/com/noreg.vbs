' Registration-free: run by a cscript.exe whose manifest names the CSMailLib assembly (the
' CSMailLib.manifest that `regsvr32 /n /i:manifest` writes), with nothing in the registry.
On Error Resume Next
Dim smtp, ssl
Set smtp = CreateObject("CSMailLib.SMTPClient")
NoError "CreateObject(""CSMailLib.SMTPClient"") through the manifest"
Set ssl = NewSsl(MODE_CHANNEL)
NoError "CreateObject(""CSMailLib.SSLInfo"") through the manifest"
smtp.SetAdvancedHandler ssl
smtp.ServerHost = "localhost"
smtp.Port = SmtpsPort
smtp.Connect
NoError "Connect (implicit TLS)"
Check "TlsActive", smtp.TlsActive, 1
Check "SSLCertificateStatus", ssl.Option(SSLCertificateStatus), mailCertificateValid
smtp.Disconnect
NoError "Disconnect"
Finish
