' IMAPClient against the bundled server: a message sent over SMTP is found with Search and fetched
' back byte for byte (as a string, a file, a Message, with FetchMany), flagged, copied, moved,
' expunged; Append of a string, a file and a Message; List, Status, the mailbox commands; Idle;
' implicit TLS with Examine; a wrong password and misuse with their exact Err.Number and
' ExtendedError.Number. The mailbox is left as it was found (the POP3 tests count it).
On Error Resume Next
Dim fso, temp, smtp, imap, ssl, msg, e
Dim subject, body, uids, uid, n, names, i, found, path, folder, got, appended, newUid, x
Set fso = CreateObject("Scripting.FileSystemObject")
temp = fso.GetSpecialFolder(2) & "\csmail-imap-com"
If Not fso.FolderExists(temp) Then fso.CreateFolder temp

Function ReadFile(p)
    Dim f
    Set f = fso.OpenTextFile(p, 1)
    ReadFile = f.ReadAll
    f.Close
End Function

' The items of an array, joined by commas (wine's VBScript has no Join).
Function JoinList(a)
    Dim item
    JoinList = ""
    For Each item In a
        If JoinList <> "" Then JoinList = JoinList & ","
        JoinList = JoinList & item
    Next
End Function

' A message over SMTP (a line with a leading dot: dot-stuffed on the way, restored by the server).
subject = "IMAP from VBScript"
body = "From: alice@example.com" & vbCrLf & "To: alice@example.com" & vbCrLf & "Subject: " & subject & _
    vbCrLf & vbCrLf & "Line one" & vbCrLf & ".leading dot" & vbCrLf
Set smtp = NewClient("SMTPClient", SmtpPort, MODE_STARTTLS)
smtp.Connect
smtp.Send "alice@example.com", "alice@example.com", body
smtp.Disconnect
NoError "SMTP send of the message IMAP reads"

' STARTTLS; login is part of Connect, as for POP3.
Set imap = NewClient("IMAPClient", ImapPort, MODE_STARTTLS)
Check "Connected before Connect", imap.Connected, 0
' The property table's IMAP rows, and Timeout in seconds over TimeoutMs.
imap.Timeout = 20
Check "TimeoutMs after Timeout = 20", imap.TimeoutMs, 20000
imap.OperationTimeoutMs = 120000
Check "OperationTimeoutMs", imap.OperationTimeoutMs, 120000
Check "Port (ServerHost, UserName: the legacy names)", imap.Port & " " & imap.Host & " " & imap.User, ImapPort & " localhost alice"
x = imap.EhloName
Check "EhloName (SMTP only): Err.Number", Err.Number, 438
Err.Clear
imap.Connect
NoError "Connect (IMAP STARTTLS)"
Check "Connected", imap.Connected, 1
Check "TlsActive", imap.TlsActive, 1
Check "Capabilities name IDLE", InStr(imap.Capabilities, "IDLE") > 0, True
n = imap.Select("INBOX")
NoError "Select INBOX"
Check "Select returns Exists", n, imap.Exists
Check "Exists (the message just sent)", n, 1
Check "Mailbox", imap.Mailbox, "INBOX"
Check "ReadOnly after Select", imap.ReadOnly, False
Check "UIDValidity > 0", imap.UIDValidity > 0, True
Check "UIDNext > 1", imap.UIDNext > 1, True
Check "MailboxFlags name \Deleted", InStr(imap.MailboxFlags, "\Deleted") > 0, True

uids = imap.Search("SUBJECT """ & subject & """")
NoError "Search SUBJECT"
Check "Search: one UID", UBound(uids), 0
uid = uids(0)
Check "Search ALL by sequence number", JoinList(imap.Search("ALL", False)), "1"
Check "Fetch: byte for byte what was sent", imap.Fetch(uid), body
Check "Fetch by sequence number", imap.Fetch(1, False), body
Check "Fetch TEXT section", imap.Fetch(uid, True, "TEXT"), "Line one" & vbCrLf & ".leading dot" & vbCrLf
Check "MessageSize", imap.MessageSize(uid), Len(body)
Check "MessageFlags: still unseen (BODY.PEEK)", imap.MessageFlags(uid), "\Recent"
Set msg = imap.FetchMessage(uid)
NoError "FetchMessage"
Check "FetchMessage: Subject", msg.Subject, subject
Check "FetchMessage: TextBody", msg.TextBody, "Line one" & vbCrLf & ".leading dot" & vbCrLf
path = temp & "\fetched.eml"
Check "FetchToFile returns the size", imap.FetchToFile(uid, path), Len(body)
Check "FetchToFile: the file's bytes", ReadFile(path), body
folder = temp & "\many"
If Not fso.FolderExists(folder) Then fso.CreateFolder folder
got = imap.FetchMany(Array(uid, 4000000000), folder)
NoError "FetchMany"
Check "FetchMany: the UID there (the other skipped)", JoinList(got), CStr(uid)
Check "FetchMany: the file <UID>.eml", ReadFile(folder & "\" & uid & ".eml"), body

' Flags.
imap.StoreFlags uid, 1, "\Flagged \Seen"
NoError "StoreFlags add"
' (The bundled server lists the flags in its own order, \Recent last.)
Check "MessageFlags after adding", imap.MessageFlags(uid), "\Flagged \Seen \Recent"
Check "Search FLAGGED", JoinList(imap.Search("FLAGGED")), CStr(uid)
imap.StoreFlags Array(uid), -1, Array("\Flagged")
Check "MessageFlags after removing \Flagged", imap.MessageFlags(uid), "\Seen \Recent"
Check "Search FLAGGED after removing", UBound(imap.Search("FLAGGED")), -1
imap.StoreFlags uid, 0, "\Answered"
Check "MessageFlags after replacing", imap.MessageFlags(uid), "\Answered \Recent"
NoError "StoreFlags"

' Mailboxes.
imap.CreateMailbox "COM-Archive"
NoError "CreateMailbox"
names = imap.List()
found = ""
For Each x In names
    If x = "INBOX" Or x = "COM-Archive" Then found = found & x & ";"
Next
Check "List: INBOX and COM-Archive", found, "INBOX;COM-Archive;"
Check "MailboxAttributes of a mailbox not listed", imap.MailboxAttributes("no such mailbox"), ""
Check "List with a pattern", JoinList(imap.List("COM-*")), "COM-Archive"
Check "Status: MESSAGES of the new mailbox", imap.Status("COM-Archive"), 0
imap.Copy uid, "COM-Archive"
NoError "Copy"
Check "Status after Copy", imap.Status("COM-Archive", "MESSAGES"), 1
Check "Status UIDNEXT", imap.Status("COM-Archive", "uidnext"), 2
imap.Move uids, "COM-Archive"
NoError "Move"
Check "Search after Move: gone from INBOX", UBound(imap.Search("SUBJECT """ & subject & """")), -1
Check "Status after Move", imap.Status("COM-Archive"), 2

' Append: a string (exact bytes back), a file, a Message.
appended = "From: bob@example.com" & vbCrLf & "Subject: appended" & vbCrLf & vbCrLf & "Gr" & Chr(252) & Chr(223) & "e" & vbCrLf
newUid = imap.Append("COM-Archive", appended, "\Seen")
NoError "Append"
Check "Append returns the UID (UIDPLUS)", newUid, 3
newUid = imap.AppendFile("COM-Archive", path)
Check "AppendFile returns the UID", newUid, 4
Set msg = CreateObject("CSMailLib.Message")
msg.From = "alice@example.com"
msg.To = "bob@example.com"
msg.BCC = "carol@example.com"
msg.Subject = "a Message appended"
msg.TextBody = "kept" & vbCrLf
newUid = imap.AppendMessage("COM-Archive", msg, Array("\Draft"))
NoError "AppendFile, AppendMessage"
Check "AppendMessage returns the UID", newUid, 5
n = imap.Examine("COM-Archive")
Check "Examine COM-Archive: Exists", n, 5
Check "ReadOnly after Examine", imap.ReadOnly, True
Check "Fetch of the appended string (UTF-8, byte for byte)", imap.Fetch(3), appended
Check "Flags given to Append", imap.MessageFlags(3), "\Seen"
Check "AppendFile: the file's bytes", imap.Fetch(4), body
Set msg = imap.FetchMessage(5)
Check "AppendMessage: Subject", msg.Subject, "a Message appended"
Check "AppendMessage: Bcc kept in the mailbox copy", msg.BCC, "carol@example.com"
Check "AppendMessage: flags", imap.MessageFlags(5), "\Draft"
imap.StoreFlags "1:*", 1, "\Deleted", False
Check "StoreFlags on a read-only mailbox: Err.Number", Err.Number, CSMailError(CSMAIL_E_SERVER)
Err.Clear
Check "  ExtendedError.Number", imap.ExtendedError.Number, eexImapNo
n = imap.Select("COM-Archive")
imap.StoreFlags "1:2", 1, "\Deleted", False
imap.Expunge Array(3)
NoError "StoreFlags \Deleted, Expunge with UIDs (only UID 3, not flagged: stays)"
Check "Search ALL after UID EXPUNGE of an undeleted message", JoinList(imap.Search("ALL")), "1,2,3,4,5"
imap.Expunge
NoError "Expunge"
Check "Search ALL after Expunge", JoinList(imap.Search("ALL")), "3,4,5"
imap.CloseMailbox
Check "Mailbox after CloseMailbox", imap.Mailbox, ""
imap.RenameMailbox "COM-Archive", "COM-Old"
imap.Subscribe "COM-Old"
imap.Unsubscribe "COM-Old"
NoError "RenameMailbox, Subscribe, Unsubscribe"
Check "List after RenameMailbox", JoinList(imap.List("COM-*")), "COM-Old"
imap.DeleteMailbox "COM-Old"
NoError "DeleteMailbox"
Check "List after DeleteMailbox", UBound(imap.List("COM-*")), -1

' Idle: a message delivered while the mailbox is selected is reported by IDLE.
n = imap.Select("INBOX")
Check "INBOX empty again", n, 0
smtp.Connect
smtp.Send "alice@example.com", "alice@example.com", "Subject: for IDLE" & vbCrLf & vbCrLf & "x" & vbCrLf
smtp.Disconnect
Check "Idle reports the new message", imap.Idle(60), True
Check "Exists after Idle", imap.Exists, 1
imap.Noop
NoError "Idle, Noop"
imap.StoreFlags "1", 1, "\Deleted", False
imap.Expunge
Check "INBOX left empty", imap.Status("INBOX"), 0
imap.Disconnect
NoError "Disconnect"
Check "Connected after Disconnect", imap.Connected, 0
Check "Mailbox after Disconnect", imap.Mailbox, ""

' Implicit TLS, read-only.
Set imap = NewClient("IMAPClient", ImapsPort, MODE_CHANNEL)
imap.Connect
NoError "Connect (IMAPS)"
Check "IMAPS TlsActive", imap.TlsActive, 1
Check "IMAPS Examine INBOX", imap.Examine("INBOX"), 0
Check "IMAPS ReadOnly", imap.ReadOnly, True
imap.Disconnect

' A wrong password.
Set imap = NewClient("IMAPClient", ImapsPort, MODE_CHANNEL)
imap.Password = "wrong password"
imap.Connect
Check "wrong password: Err.Number", Err.Number, CSMailError(CSMAIL_E_AUTH)
Check "wrong password: Err.Source", Err.Source, "CSMailLib.IMAPClient"
Err.Clear
Set e = imap.ExtendedError
Check "wrong password: ExtendedError.Number", e.Number, eexImapNo
Check "wrong password: ExtendedError.Text names the server's reply", InStr(e.Text, "AUTHENTICATIONFAILED") > 0, True
Check "wrong password: Connected", imap.Connected, 0

' Misuse gives errors, never a crash.
imap.Select "INBOX"
Check "Select while not connected: Err.Number", Err.Number, CSMailError(CSMAIL_E_NOT_CONNECTED)
Err.Clear
imap.Password = "alicepass"
imap.Connect
NoError "Connect after the wrong password"
imap.Select "INBOX"
x = imap.Search("ALL" & vbCrLf & "A1 LOGOUT")
Check "CR/LF in Search criteria: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
Check "still connected after the refused Search", imap.Connected, 1
x = imap.Fetch(0)
Check "Fetch(0): Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
x = imap.Fetch(1.5)
Check "Fetch(1.5): Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
x = imap.Fetch(7)
Check "Fetch of a UID not there: Err.Number", Err.Number, CSMailError(CSMAIL_E_SERVER)
Err.Clear
Check "  ExtendedError.Number", imap.ExtendedError.Number, eexImapNo
x = imap.MessageFlags(7)
Check "MessageFlags of a UID not there: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
imap.Move imap.Search("ALL"), "Trash"
Check "Move of an empty Search result: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
x = imap.Status("INBOX", "BOGUS")
Check "Status item BOGUS: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
imap.StoreFlags "1:*", 1, "(\Seen)", False
Check "a flag with a parenthesis: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
x = imap.Idle(0)
Check "Idle 0: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
x = imap.Select("no such mailbox")
Check "Select of a missing mailbox: Err.Number", Err.Number, CSMailError(CSMAIL_E_SERVER)
Err.Clear
Check "  Mailbox after the failed Select", imap.Mailbox, ""
x = imap.AppendMessage("INBOX", CreateObject("CSMailLib.SSLInfo"))
Check "AppendMessage of an SSLInfo: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
imap.Reset
Check "Reset (POP3 and SMTP only): Err.Number", Err.Number, 438
Err.Clear
imap.Disconnect
fso.DeleteFolder temp, True
NoError "cleanup"
Finish
