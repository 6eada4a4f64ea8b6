' POP3 over implicit TLS: the messages the SMTP tests sent, as Message objects; deletion.
On Error Resume Next
Dim pop3, ssl, msg, i, n, found
Set pop3 = CreateObject("CSMailLib.POP3Client")
Set ssl = NewSsl(MODE_CHANNEL)
pop3.SetAdvancedHandler ssl
pop3.ServerHost = "localhost"
pop3.Port = Pop3sPort
pop3.UserName = "alice"
pop3.Password = "alicepass"
pop3.Connect
NoError "Connect (POP3S)"
Check "TlsActive", pop3.TlsActive, 1
n = pop3.Count
Check "Count (the messages sent by the SMTP tests and events.exe)", n, 4
found = ""
For i = 1 To n
    Set msg = pop3.GetMessage(i)
    If msg.Subject = "from VBScript over STARTTLS" Then
        found = found & "S"
        Check "TextBody of the STARTTLS message (UTF-8 round trip)", msg.TextBody, "Gr" & Chr(252) & Chr(223) & "e" & vbCrLf
    End If
    If msg.Subject = "from VBScript over implicit TLS" Then found = found & "I"
    If msg.Subject = "from JScript" Then found = found & "J"
    If msg.Subject = "from events.exe" Then found = found & "E"
    Check "MessageSize(" & i & ") > 0", pop3.MessageSize(i) > 0, True
    pop3.Delete i
Next
NoError "GetMessage, Delete"
Check "subjects found (S=STARTTLS, I=implicit, J=JScript, E=events.exe)", Len(found), 4
Check "Disconnect commits the deletions", pop3.Disconnect, True
NoError "Disconnect"
Finish
