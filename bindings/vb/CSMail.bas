Attribute VB_Name = "CSMail"
' csmail for VB6 and VBA: the helpers the class modules share.
'  - UTF-16 (VB String) <-> UTF-8 (csmail) with WideCharToMultiByte / MultiByteToWideChar, so
'    text in any language goes in and comes out intact;
'  - reading the library's strings out (ask the size, then fill);
'  - raising VB errors: Err.Number = CSMAIL_ERR_BASE + the C result code (CSMAIL_E_*, e.g.
'    CSMAIL_ERR_BASE + errConnect), Err.Description = the ErrorInfo text, Err.Source = the object;
'    the client's ExtendedError holds Number (eex), Text and OSError;
'  - the OnLogMessage callback (AddressOf) that raises the LogHandler's VB event, and the
'    data callbacks of IMAPClient's FetchData and Append.
' Needs CSMailDeclares.bas and CSMailConstants.bas (generated from csmail.h) in the project,
' and the class modules it names (SSLInfo, LogHandler, ErrorInfo, Message, IMAPClient).
Option Explicit

' Err.Number of a csmail failure: CSMAIL_ERR_BASE + CSMAIL_E_* (vbObjectError + 512 + code).
Public Const CSMAIL_ERR_BASE As Long = vbObjectError + 512

Private Const CP_UTF8 As Long = 65001

#If VBA7 Then
Private Declare PtrSafe Function MultiByteToWideChar Lib "kernel32" (ByVal CodePage As Long, ByVal dwFlags As Long, ByVal lpMultiByteStr As LongPtr, ByVal cbMultiByte As Long, ByVal lpWideCharStr As LongPtr, ByVal cchWideChar As Long) As Long
Private Declare PtrSafe Function WideCharToMultiByte Lib "kernel32" (ByVal CodePage As Long, ByVal dwFlags As Long, ByVal lpWideCharStr As LongPtr, ByVal cchWideChar As Long, ByVal lpMultiByteStr As LongPtr, ByVal cbMultiByte As Long, ByVal lpDefaultChar As LongPtr, ByVal lpUsedDefaultChar As LongPtr) As Long
Private Declare PtrSafe Function lstrlenA Lib "kernel32" (ByVal lpString As LongPtr) As Long
Private Declare PtrSafe Sub CopyMemory Lib "kernel32" Alias "RtlMoveMemory" (Destination As Any, Source As Any, ByVal Length As LongPtr)
#Else
Private Declare Function MultiByteToWideChar Lib "kernel32" (ByVal CodePage As Long, ByVal dwFlags As Long, ByVal lpMultiByteStr As Long, ByVal cbMultiByte As Long, ByVal lpWideCharStr As Long, ByVal cchWideChar As Long) As Long
Private Declare Function WideCharToMultiByte Lib "kernel32" (ByVal CodePage As Long, ByVal dwFlags As Long, ByVal lpWideCharStr As Long, ByVal cchWideChar As Long, ByVal lpMultiByteStr As Long, ByVal cbMultiByte As Long, ByVal lpDefaultChar As Long, ByVal lpUsedDefaultChar As Long) As Long
Private Declare Function lstrlenA Lib "kernel32" (ByVal lpString As Long) As Long
Private Declare Sub CopyMemory Lib "kernel32" Alias "RtlMoveMemory" (Destination As Any, Source As Any, ByVal Length As Long)
#End If

' A VB String as NUL-terminated UTF-8; pass VarPtr(bytes(0)) where csmail takes a const char *.
Public Function Utf8Z(ByVal Text As String) As Byte()
    Dim bytes() As Byte
    Dim n As Long
    If Len(Text) = 0 Then
        ReDim bytes(0)
        Utf8Z = bytes
        Exit Function
    End If
    n = WideCharToMultiByte(CP_UTF8, 0, StrPtr(Text), Len(Text), 0, 0, 0, 0)
    ReDim bytes(n)                      ' n bytes and the NUL
    WideCharToMultiByte CP_UTF8, 0, StrPtr(Text), Len(Text), VarPtr(bytes(0)), n, 0, 0
    Utf8Z = bytes
End Function

' n UTF-8 bytes at an address as a VB String.
#If VBA7 Then
Public Function Utf8ToString(ByVal Pointer As LongPtr, ByVal Length As Long) As String
#Else
Public Function Utf8ToString(ByVal Pointer As Long, ByVal Length As Long) As String
#End If
    Dim n As Long
    If Pointer = 0 Or Length <= 0 Then Exit Function
    n = MultiByteToWideChar(CP_UTF8, 0, Pointer, Length, 0, 0)
    Utf8ToString = String$(n, vbNullChar)
    MultiByteToWideChar CP_UTF8, 0, Pointer, Length, StrPtr(Utf8ToString), n
End Function

' A NUL-terminated UTF-8 string at an address (the library's static strings, log messages).
#If VBA7 Then
Public Function Utf8PtrToString(ByVal Pointer As LongPtr) As String
#Else
Public Function Utf8PtrToString(ByVal Pointer As Long) As String
#End If
    If Pointer = 0 Then Exit Function
    Utf8PtrToString = Utf8ToString(Pointer, lstrlenA(Pointer))
End Function

' A UTF-8 byte array (with or without a trailing NUL) as a VB String.
Public Function Utf8BytesToString(Bytes() As Byte, ByVal Length As Long) As String
    If Length > 0 Then
        If Bytes(Length - 1) = 0 Then Length = Length - 1
    End If
    If Length > 0 Then Utf8BytesToString = Utf8ToString(VarPtr(Bytes(0)), Length)
End Function

' The text of this thread's last failed csmail call.
Public Function LastErrorText() As String
    Dim buf() As Byte
#If VBA7 Then
    Dim needed As LongPtr
#Else
    Dim needed As Long
#End If
    csmail_last_error_text 0, 0, needed
    If needed <= 1 Then Exit Function
    ReDim buf(CLng(needed) - 1)
    If csmail_last_error_text(VarPtr(buf(0)), needed, needed) = CSMAIL_OK Then
        LastErrorText = Utf8BytesToString(buf, CLng(needed))
    End If
End Function

' Raises the VB error of a failed call: CSMAIL_ERR_BASE + Result, with the text of this
' thread's last error (or Text, when the caller has the client's ErrorInfo).
Public Sub RaiseResult(ByVal Result As Long, ByVal Source As String, Optional ByVal Text As String = "")
    If Result = CSMAIL_OK Then Exit Sub
    If Len(Text) = 0 Then Text = LastErrorText()
    If Len(Text) = 0 Then Text = Utf8PtrToString(csmail_strerror(Result))
    Err.Raise CSMAIL_ERR_BASE + Result, "csmail." & Source, Text
End Sub

' Turns an Err.Number back into the C result code (CSMAIL_E_*), 0 if it is no csmail error.
Public Function CSMailResult(ByVal Number As Long) As Long
    If Number > CSMAIL_ERR_BASE And Number < CSMAIL_ERR_BASE + 512 Then CSMailResult = Number - CSMAIL_ERR_BASE
End Function

' csmail's VB True: any non-zero Variant (True is -1 in VB) is 1.
Public Function CBoolLong(ByVal Value As Variant) As Long
    If CBool(Value) Then CBoolLong = 1 Else CBoolLong = 0
End Function

' Recipients (one address, or an array of them) as csmail_smtp_send_mem takes them: All holds
' every address as NUL-terminated UTF-8, one after the other, and Pointers the address of each
' inside All (pass Pointers(0) ByRef as the array; keep All alive meanwhile). Empty entries
' (VB arrays' spare last element) are skipped. Returns the number of addresses.
#If VBA7 Then
Public Function AddressList(ByVal Recipients As Variant, All() As Byte, Pointers() As LongPtr) As Long
#Else
Public Function AddressList(ByVal Recipients As Variant, All() As Byte, Pointers() As Long) As Long
#End If
    Dim items() As String
    Dim offsets() As Long
    Dim i As Long, n As Long, total As Long
    Dim one() As Byte
    If IsArray(Recipients) Then
        ReDim items(UBound(Recipients) - LBound(Recipients))
        For i = LBound(Recipients) To UBound(Recipients)
            If Len(Recipients(i)) > 0 Then
                items(n) = CStr(Recipients(i))
                n = n + 1
            End If
        Next
    Else
        ReDim items(0)
        items(0) = CStr(Recipients)
        n = 1
    End If
    If n = 0 Then Exit Function
    ReDim offsets(n - 1)
    ReDim All(0)
    For i = 0 To n - 1
        one = Utf8Z(items(i))
        offsets(i) = total
        ReDim Preserve All(total + UBound(one))
        CopyMemory All(total), one(0), UBound(one) + 1
        total = total + UBound(one) + 1
    Next
    ReDim Pointers(n - 1)
    For i = 0 To n - 1
        Pointers(i) = VarPtr(All(0)) + offsets(i)
    Next
    AddressList = n
End Function

' ---- OnLogMessage: the callback given to csmail_loghandler_set_callback with AddressOf ----
' userdata is ObjPtr(LogHandler); the object is borrowed (no reference taken), which is safe:
' LogHandler clears the callback in Class_Terminate before it goes away.
#If VBA7 Then
Public Sub CSMailLogCallback(ByVal UserData As LongPtr, ByVal Severity As Long, ByVal Facility As Long, ByVal Message As LongPtr)
#Else
Public Sub CSMailLogCallback(ByVal UserData As Long, ByVal Severity As Long, ByVal Facility As Long, ByVal Message As Long)
#End If
    Dim handler As LogHandler
    On Error Resume Next                ' an error must never unwind into csmail
    Set handler = Borrowed(UserData)
    handler.FireLogMessage Severity, Facility, Utf8PtrToString(Message)
    Set handler = Nothing
End Sub

' The VB object at an ObjPtr given to csmail as userdata, as a counted reference: the pointer is
' copied into an Object variable and cleared again without Release, so the count stays right.
#If VBA7 Then
Private Function Borrowed(ByVal UserData As LongPtr) As Object
    Dim pointer As Object, zero As LongPtr
#Else
Private Function Borrowed(ByVal UserData As Long) As Object
    Dim pointer As Object, zero As Long
#End If
    CopyMemory pointer, UserData, LenB(UserData)
    Set Borrowed = pointer
    CopyMemory pointer, zero, LenB(zero)    ' forget the borrowed pointer without Release
End Function

' ---- IMAPClient's data callbacks (AddressOf), for FetchData/FetchText and Append ----
' userdata is ObjPtr(IMAPClient), Borrowed as in CSMailLogCallback: the client passes it only
' for the length of the call that runs the callback, on this thread. A VB error never unwinds
' into csmail: it becomes a non-zero return, which stops the operation (CSMAIL_E_ABORTED).

' csmail_write_callback: Length bytes of the fetched message at Data.
#If VBA7 Then
Public Function CSMailImapWriteCallback(ByVal UserData As LongPtr, ByVal Data As LongPtr, ByVal Length As LongPtr) As Long
#Else
Public Function CSMailImapWriteCallback(ByVal UserData As Long, ByVal Data As Long, ByVal Length As Long) As Long
#End If
    Dim client As IMAPClient
    On Error GoTo failed
    Set client = Borrowed(UserData)
    client.Received Data, CLng(Length)
    Exit Function
failed:
    CSMailImapWriteCallback = 1
End Function

' csmail_read_callback: up to Capacity bytes of the message to append into Buffer; Count gets
' how many (0 at the end).
#If VBA7 Then
Public Function CSMailImapReadCallback(ByVal UserData As LongPtr, ByVal Buffer As LongPtr, ByVal Capacity As LongPtr, ByRef Count As LongPtr) As Long
#Else
Public Function CSMailImapReadCallback(ByVal UserData As Long, ByVal Buffer As Long, ByVal Capacity As Long, ByRef Count As Long) As Long
#End If
    Dim client As IMAPClient
    On Error GoTo failed
    If Capacity > &H7FFFFFFF Then Capacity = &H7FFFFFFF
    Set client = Borrowed(UserData)
    Count = client.Supply(Buffer, CLng(Capacity))
    Exit Function
failed:
    Count = 0
    CSMailImapReadCallback = 1
End Function

' ---- Client properties and errors, shared by SMTPClient, POP3Client and IMAPClient ----

' Which client a handle belongs to (the Kind argument of the helpers below).
Public Const CSMAIL_CLIENT_SMTP As Long = 0
Public Const CSMAIL_CLIENT_POP3 As Long = 1
Public Const CSMAIL_CLIENT_IMAP As Long = 2

' Raises the VB error of a failed client call with the client's ExtendedError text.
#If VBA7 Then
Public Sub RaiseClient(ByVal Result As Long, ByVal Kind As Long, ByVal H As LongPtr, ByVal Source As String)
    Dim info As LongPtr
#Else
Public Sub RaiseClient(ByVal Result As Long, ByVal Kind As Long, ByVal H As Long, ByVal Source As String)
    Dim info As Long
#End If
    Dim detail As ErrorInfo, text As String
    If Result = CSMAIL_OK Then Exit Sub
    text = LastErrorText()              ' first: the ExtendedError call clears it
    Select Case Kind
    Case CSMAIL_CLIENT_POP3: If csmail_pop3_extended_error(H, info) <> CSMAIL_OK Then info = 0
    Case CSMAIL_CLIENT_IMAP: If csmail_imap_extended_error(H, info) <> CSMAIL_OK Then info = 0
    Case Else: If csmail_smtp_extended_error(H, info) <> CSMAIL_OK Then info = 0
    End Select
    If info <> 0 Then
        Set detail = New ErrorInfo
        detail.Load info
        If detail.Number <> 0 Then text = detail.Text
    End If
    RaiseResult Result, Source, text
End Sub

#If VBA7 Then
Public Function ClientGetString(ByVal Kind As Long, ByVal H As LongPtr, ByVal Id As Long) As String
    Dim needed As LongPtr
#Else
Public Function ClientGetString(ByVal Kind As Long, ByVal H As Long, ByVal Id As Long) As String
    Dim needed As Long
#End If
    Dim buf() As Byte, rc As Long
    ReDim buf(255)
    Do
        Select Case Kind
        Case CSMAIL_CLIENT_POP3: rc = csmail_pop3_get_str(H, Id, VarPtr(buf(0)), UBound(buf) + 1, needed)
        Case CSMAIL_CLIENT_IMAP: rc = csmail_imap_get_str(H, Id, VarPtr(buf(0)), UBound(buf) + 1, needed)
        Case Else: rc = csmail_smtp_get_str(H, Id, VarPtr(buf(0)), UBound(buf) + 1, needed)
        End Select
        If rc <> CSMAIL_E_BUFFER_TOO_SMALL Then Exit Do
        ReDim buf(CLng(needed) - 1)
    Loop
    RaiseClient rc, Kind, H, "Property"
    ClientGetString = Utf8BytesToString(buf, CLng(needed))
End Function

#If VBA7 Then
Public Sub ClientSetString(ByVal Kind As Long, ByVal H As LongPtr, ByVal Id As Long, ByVal Value As String)
#Else
Public Sub ClientSetString(ByVal Kind As Long, ByVal H As Long, ByVal Id As Long, ByVal Value As String)
#End If
    Dim text() As Byte, rc As Long
    text = Utf8Z(Value)
    Select Case Kind
    Case CSMAIL_CLIENT_POP3: rc = csmail_pop3_set_str(H, Id, VarPtr(text(0)))
    Case CSMAIL_CLIENT_IMAP: rc = csmail_imap_set_str(H, Id, VarPtr(text(0)))
    Case Else: rc = csmail_smtp_set_str(H, Id, VarPtr(text(0)))
    End Select
    RaiseClient rc, Kind, H, "Property"
End Sub

#If VBA7 Then
Public Function ClientGetLong(ByVal Kind As Long, ByVal H As LongPtr, ByVal Id As Long) As Long
#Else
Public Function ClientGetLong(ByVal Kind As Long, ByVal H As Long, ByVal Id As Long) As Long
#End If
    Dim rc As Long
    Select Case Kind
    Case CSMAIL_CLIENT_POP3: rc = csmail_pop3_get_int(H, Id, ClientGetLong)
    Case CSMAIL_CLIENT_IMAP: rc = csmail_imap_get_int(H, Id, ClientGetLong)
    Case Else: rc = csmail_smtp_get_int(H, Id, ClientGetLong)
    End Select
    RaiseClient rc, Kind, H, "Property"
End Function

#If VBA7 Then
Public Sub ClientSetLong(ByVal Kind As Long, ByVal H As LongPtr, ByVal Id As Long, ByVal Value As Long)
#Else
Public Sub ClientSetLong(ByVal Kind As Long, ByVal H As Long, ByVal Id As Long, ByVal Value As Long)
#End If
    Dim rc As Long
    Select Case Kind
    Case CSMAIL_CLIENT_POP3: rc = csmail_pop3_set_int(H, Id, Value)
    Case CSMAIL_CLIENT_IMAP: rc = csmail_imap_set_int(H, Id, Value)
    Case Else: rc = csmail_smtp_set_int(H, Id, Value)
    End Select
    RaiseClient rc, Kind, H, "Property"
End Sub

' The csmail handle of an advanced handler object (SSLInfo, LogHandler, ProxyInfo).
#If VBA7 Then
Public Function HandlerHandle(ByVal Handler As Object) As LongPtr
#Else
Public Function HandlerHandle(ByVal Handler As Object) As Long
#End If
    If TypeOf Handler Is SSLInfo Then
        Dim ssl As SSLInfo
        Set ssl = Handler
        HandlerHandle = ssl.Handle
    ElseIf TypeOf Handler Is LogHandler Then
        Dim log As LogHandler
        Set log = Handler
        HandlerHandle = log.Handle
    Else
        Err.Raise CSMAIL_ERR_BASE + CSMAIL_E_NOT_SUPPORTED, "csmail.SetAdvancedHandler", _
            "not an advanced handler: give an SSLInfo or a LogHandler"
    End If
End Function

' Copies n bytes from an address into a Byte array, from element Offset on (Message.Data,
' IMAPClient's fetched data).
#If VBA7 Then
Public Sub CopyBytes(Destination() As Byte, ByVal Source As LongPtr, ByVal Length As Long, Optional ByVal Offset As Long = 0)
#Else
Public Sub CopyBytes(Destination() As Byte, ByVal Source As Long, ByVal Length As Long, Optional ByVal Offset As Long = 0)
#End If
    If Length > 0 Then CopyMemory Destination(Offset), ByVal Source, Length
End Sub

' Copies n bytes of a Byte array, from element Offset on, to an address (IMAPClient.Append).
#If VBA7 Then
Public Sub CopyBytesOut(ByVal Destination As LongPtr, Source() As Byte, ByVal Offset As Long, ByVal Length As Long)
#Else
Public Sub CopyBytesOut(ByVal Destination As Long, Source() As Byte, ByVal Offset As Long, ByVal Length As Long)
#End If
    If Length > 0 Then CopyMemory ByVal Destination, Source(Offset), Length
End Sub

' The number of elements of a Byte array, 0 for an empty (unallocated) one.
Public Function ByteCount(Bytes() As Byte) As Long
    On Error Resume Next
    ByteCount = UBound(Bytes) - LBound(Bytes) + 1
End Function
