' Helpers of the COM tests (appended to every test by scripts/test-com-wine.sh, after the
' constants). Wine's cscript does not report script errors (they end the script silently with
' exit code 0), so every test ends with Finish, which prints the line the runner looks for.
Dim checks, failures
checks = 0
failures = 0

Sub Check(what, got, want)
    checks = checks + 1
    If got = want Then
        WScript.Echo "  ok   " & what & " = " & got
    Else
        failures = failures + 1
        WScript.Echo "  FAIL " & what & ": got " & got & ", want " & want
    End If
End Sub

' The Err.Number a CSMailLib failure raises: vbObjectError + 512 + the result code.
Function CSMailError(result)
    CSMailError = vbObjectError + 512 + result
End Function

' Checks that the statement before raised nothing; prints the error if it did.
Sub NoError(what)
    checks = checks + 1
    If Err.Number <> 0 Then
        failures = failures + 1
        WScript.Echo "  FAIL " & what & ": error " & Err.Number & ": " & Err.Description
        Err.Clear
    Else
        WScript.Echo "  ok   " & what
    End If
End Sub

Sub Finish()
    If failures = 0 Then
        WScript.Echo "COM-TEST-PASSED " & checks & " checks"
        WScript.Quit 0
    End If
    WScript.Echo "COM-TEST-FAILED " & failures & " of " & checks & " checks"
    WScript.Quit 1
End Sub

' Arguments: smtp-port smtps-port pop3s-port ca-file imap-port imaps-port
Dim SmtpPort, SmtpsPort, Pop3sPort, CaFile, ImapPort, ImapsPort
SmtpPort = CLng(WScript.Arguments(0))
SmtpsPort = CLng(WScript.Arguments(1))
Pop3sPort = CLng(WScript.Arguments(2))
CaFile = WScript.Arguments(3)
ImapPort = CLng(WScript.Arguments(4))
ImapsPort = CLng(WScript.Arguments(5))

Function NewSsl(mode)
    Dim s
    Set s = CreateObject("CSMailLib.SSLInfo")
    s.Mode = mode
    s.Option(SSLCAFile) = CaFile
    Set NewSsl = s
End Function

' A client (CSMailLib.SMTPClient, POP3Client, IMAPClient) for alice on localhost:port, TLS as mode.
Function NewClient(kind, port, mode)
    Dim c
    Set c = CreateObject("CSMailLib." & kind)
    c.SetAdvancedHandler NewSsl(mode)
    c.ServerHost = "localhost"
    c.Port = port
    c.UserName = "alice"
    c.Password = "alicepass"
    Set NewClient = c
End Function
