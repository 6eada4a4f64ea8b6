' The VB examples of the CSMail/SSL manual (seed 002), adapted only where VBScript differs from
' VB: no "As" types, CreateObject for "New", and the test server's CA and port.
On Error Resume Next
Dim smtp, ssl, got

' "Dim smtp as new CSMailLib.SMTPClient / Dim ssl As New CSMailLib.SSLInfo"
Set smtp = CreateObject("CSMailLib.SMTPClient")
Set ssl = CreateObject("CSMailLib.SSLInfo")
ssl.Option(SSLCAFile) = CaFile
smtp.ServerHost = "localhost"
smtp.Port = SmtpPort

' Use STARTTLS protocol extension rather than a secure channel
ssl.Mode = MODE_STARTTLS

' Use SSL for this connection
smtp.SetAdvancedHandler ssl

smtp.Connect
NoError "Mode example: Connect with MODE_STARTTLS"
Check "TlsActive", smtp.TlsActive, 1
smtp.Disconnect

' Example 1
' Stop the client from verifying the server' name
' with that on its certificate.
' (Do NOT use this option in production code!!!!)
'
ssl.Option(SSLNoServerNameCheck)=True
ssl.Option(SSLServerName) = "mail.example.com"
smtp.Connect
NoError "Example 1: Connect to a certificate of another name with SSLNoServerNameCheck"
Check "Example 1: SSLCertificateStatus still reports the mismatch", ssl.Option(SSLCertificateStatus), mailCertificateNoMatch
smtp.Disconnect
ssl.Option(SSLNoServerNameCheck)=False
ssl.Option(SSLServerName) = ""

' Example 2
' Restrict the choice of protocols to SSL1 & SSL2
'
Dim protocols(2)
protocols(0)=SSL_SSL2
protocols(1)=SSL_SSL3

ssl.Option(SSLConnectionProtocolIn)=protocols
Check "Example 2 as written: SSL 2 and 3 are refused, Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Check "Example 2 as written: the description names eexLegacyValue", InStr(Err.Description, "eexLegacyValue") > 0, True
Err.Clear

' Example 2 with today's protocols
protocols(0)=SSL_TLS12
protocols(1)=SSL_TLS13
ssl.Option(SSLConnectionProtocolIn)=protocols
NoError "Example 2 with SSL_TLS12 and SSL_TLS13"
got = ssl.Option(SSLConnectionProtocolIn)
Check "SSLConnectionProtocolIn read back: UBound", UBound(got), 1
Check "SSLConnectionProtocolIn read back: (0)", got(0), SSL_TLS12
Check "SSLConnectionProtocolIn read back: (1)", got(1), SSL_TLS13
protocols(0)=SSL_TLS12
protocols(1)=Empty
ssl.Option(SSLConnectionProtocolIn)=protocols
smtp.Connect
NoError "Connect with SSLConnectionProtocolIn = SSL_TLS12 only"
Check "SSLConnectionProtocolOut", ssl.Option(SSLConnectionProtocolOut), SSL_TLS12
smtp.Disconnect
Finish
