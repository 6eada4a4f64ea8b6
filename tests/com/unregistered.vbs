' After `regsvr32 /u`, and for a host without the manifest: the classes are gone.
On Error Resume Next
Dim smtp
Set smtp = CreateObject("CSMailLib.SMTPClient")
Check "CreateObject after regsvr32 /u: Err.Number (ActiveX component can't create object)", Err.Number, 429
Finish
