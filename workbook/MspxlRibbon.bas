Attribute VB_Name = "MspxlRibbon"
Option Explicit

' Every button of the MSP Billing tab runs this; the button's tag names the Python function in mspxl.xl.
Sub OnButton(control As IRibbonControl)
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "()"
End Sub

' Credit Note: asks for the reason (printed on the credit note), then credits the invoice of the selected row.
' The reason travels as its UTF-16 code units, so quotes or backslashes in it cannot break the Python line.
Sub OnCreditNote(control As IRibbonControl)
    Dim reason As String
    reason = InputBox("Reason for crediting the selected invoice (printed on the credit note):", "MSP Billing")
    If Len(Trim$(reason)) = 0 Then Exit Sub
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "(reason=mspxl.xl.text_of([" & CodeUnits(reason) & "]))"
End Sub

' "82,101,102": each UTF-16 code unit of the text, as a number from 0 to 65535.
Function CodeUnits(text As String) As String
    Dim i As Long
    Dim units As String
    For i = 1 To Len(text)
        If i > 1 Then units = units & ","
        units = units & CStr(AscW(Mid$(text, i, 1)) And &HFFFF&)
    Next i
    CodeUnits = units
End Function

' Import Functions: the MSPXL_ worksheet functions (UDF Modules in mspxl.conf) into this add-in.
Sub OnImportFunctions(control As IRibbonControl)
    ImportPythonUDFsToAddin
End Sub
