' The Message object's parts: headers as properties, Priority, a file and a data attachment sent
' over STARTTLS, fetched back over POP3S, and each attachment as a Section (name, type, exact
' content, SaveToFile's bytes). Runs after fetch_pop3s.vbs emptied the mailbox.
On Error Resume Next
Dim bytes, copy, fso, work, filePath, fileText, dataText, msg, smtp, pop3, got, att, saved, i
Set fso = CreateObject("Scripting.FileSystemObject")
work = fso.BuildPath(fso.GetSpecialFolder(2), "csmail-message-parts")
If fso.FolderExists(work) Then fso.DeleteFolder work, True
fso.CreateFolder work
fso.CreateFolder fso.BuildPath(work, "out")
filePath = fso.BuildPath(work, "notes.txt")
fileText = "first line of the file" & vbCrLf & "second line" & vbCrLf
dataText = "data attachment: 0123456789"
With fso.CreateTextFile(filePath, True)
    .Write fileText
    .Close
End With
NoError "writing notes.txt"

Set msg = CreateObject("CSMailLib.Message")
msg.From = """Alice"" <alice@example.com>"
msg.To = "alice@example.com"
msg.CC = "alice@example.org"
msg.ReplyTo = "replies@example.com"
msg.BCC = "alice@example.net"
msg.Subject = "message parts from VBScript"
msg.Priority = 2
msg.TextBody = "the body" & vbCrLf
msg.AddAttachment filePath
msg.AddAttachmentData "data.bin", dataText, "application/octet-stream"
NoError "composing"
Check "From (composed)", msg.From, "Alice <alice@example.com>"
Check "To (composed)", msg.To, "alice@example.com"
Check "Priority (composed)", msg.Priority, 2
Check "AttachmentCount (composed)", msg.AttachmentCount, 2
Check "SectionCount (composed: body + 2)", msg.SectionCount, 3
msg.Priority = 9
Check "Priority 9: Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
Check "Priority after the refused 9", msg.Priority, 2

Set smtp = NewClient("SMTPClient", SmtpPort, MODE_STARTTLS)
smtp.Connect
NoError "SMTP Connect (STARTTLS)"
smtp.SendMessage msg
NoError "SendMessage"
smtp.Disconnect

Set pop3 = CreateObject("CSMailLib.POP3Client")
pop3.SetAdvancedHandler NewSsl(MODE_CHANNEL)
pop3.ServerHost = "localhost"
pop3.Port = Pop3sPort
pop3.UserName = "alice"
pop3.Password = "alicepass"
pop3.Connect
NoError "POP3 Connect (POP3S)"
' To, CC and BCC all name alice: the bundled server delivers one copy.
Check "Count", pop3.Count, 1
Set got = pop3.GetMessage(1)
NoError "GetMessage(1)"
Check "Subject", got.Subject, "message parts from VBScript"
Check "From", got.From, "Alice <alice@example.com>"
Check "To", got.To, "alice@example.com"
Check "CC", got.CC, "alice@example.org"
Check "ReplyTo", got.ReplyTo, "replies@example.com"
Check "BCC (never sent)", got.BCC, ""
Check "Priority", got.Priority, 2
Check "Date is set", Len(got.Date) > 0, True
Check "MessageID is set", Len(got.MessageID) > 0, True
Check "TextBody", got.TextBody, "the body" & vbCrLf
Check "AttachmentCount", got.AttachmentCount, 2

Set att = got.Attachment(1)
NoError "Attachment(1)"
Check "TypeName(Attachment(1)) (its interface)", TypeName(att), "ISection"
Check "Attachment(1).FileName", att.FileName, "notes.txt"
Check "Attachment(1).ContentType", att.ContentType, "text/plain"
Check "Attachment(1).Disposition", att.Disposition, "attachment"
Check "Attachment(1).Text", att.Text, fileText
Check "Attachment(1).Size", att.Size, Len(fileText)
saved = att.SaveToFile(fso.BuildPath(work, "out"))
NoError "Attachment(1).SaveToFile"
Check "SaveToFile's path", saved, fso.BuildPath(fso.BuildPath(work, "out"), "notes.txt")
Check "the saved file's bytes", fso.OpenTextFile(saved).ReadAll, fileText

Set att = got.Attachment(2)
NoError "Attachment(2)"
Check "Attachment(2).FileName", att.FileName, "data.bin"
Check "Attachment(2).ContentType", att.ContentType, "application/octet-stream"
Check "Attachment(2).Text", att.Text, dataText
' Data is a Byte() array (wine's VBScript has no TypeName, LenB or UBound for one): its VarType,
' and the bytes themselves through a new Section.
bytes = att.Data
Check "VarType(Attachment(2).Data) (vbArray + vbByte)", VarType(bytes), vbArray + vbByte
Set copy = CreateObject("CSMailLib.Section")
NoError "CreateObject(""CSMailLib.Section"")"
Check "new Section's ContentType", copy.ContentType, "application/octet-stream"
copy.Data = bytes
NoError "Section.Data = a byte array"
Check "the bytes through Data", copy.Text, dataText
Check "Size after Data", copy.Size, Len(dataText)
saved = att.SaveToFile(fso.BuildPath(work, "out"), "renamed.dat")
NoError "Attachment(2).SaveToFile with a name"
Check "the saved file's bytes (renamed.dat)", fso.OpenTextFile(fso.BuildPath(fso.BuildPath(work, "out"), "renamed.dat")).ReadAll, dataText

Check "SectionCount (body + 2)", got.SectionCount, 3
Check "Section(1).ContentType (the text body)", got.Section(1).ContentType, "text/plain"
Check "Section(1).Disposition", got.Section(1).Disposition, ""

Set att = got.Attachment(3)
Check "Attachment(3): Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Check "Attachment(3): Err.Description names the count", InStr(Err.Description, "give 1 to 2") > 0, True
Err.Clear
Set att = got.Attachment(0)
Check "Attachment(0): Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear
Set att = got.Section(4)
Check "Section(4): Err.Number", Err.Number, CSMailError(CSMAIL_E_INVALID_ARGUMENT)
Err.Clear

' An inline part (not sent): AddInline returns its Section; the HTML body and the image go in a
' multipart/related, the body first (its root).
Dim html, inline
fso.CopyFile filePath, fso.BuildPath(work, "logo.png")
Set html = CreateObject("CSMailLib.Message")
html.HTMLBody = "<p><img src=""cid:logo1""></p>"
Set inline = html.AddInline(fso.BuildPath(work, "logo.png"), "logo1")
NoError "AddInline"
Check "AddInline: ContentID", inline.ContentID, "logo1"
Check "AddInline: Disposition", inline.Disposition, "inline"
Check "AddInline: FileName", inline.FileName, "logo.png"
Check "AddInline: ContentType", inline.ContentType, "image/png"
Check "AddInline: AttachmentCount (an inline part is not an attachment)", html.AttachmentCount, 0
Check "AddInline: SectionCount (HTML body + inline part)", html.SectionCount, 2
Check "AddInline: Section(1).ContentType", html.Section(1).ContentType, "text/html"
Check "AddInline: Section(2).ContentID", html.Section(2).ContentID, "logo1"
Check "AddInline: HTMLBody", html.HTMLBody, "<p><img src=""cid:logo1""></p>"
Check "AddInline: multipart/related", InStr(html.Text, "Content-Type: multipart/related;") > 0, True
html.MessageID = "<parts-1@example.com>"
Check "MessageID put and get", html.MessageID, "<parts-1@example.com>"
html.To = "bob@example.com"
html.To = ""
Check "To = """" removes the header", html.Header("To"), ""

pop3.Delete 1
Check "Disconnect commits the deletion", pop3.Disconnect, True
NoError "Disconnect"
fso.DeleteFolder work, True
Finish
