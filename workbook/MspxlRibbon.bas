Attribute VB_Name = "MspxlRibbon"
Option Explicit

' The buttons work on the workbook in front of the accountant; with none open, RunPython would stop in Visual Basic
' with run-time error 91. Says so instead.
Private Function HasWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open your billing workbook first: MSP Billing works on the workbook in front of you.", _
               vbInformation, "MSP Billing"
        Exit Function
    End If
    HasWorkbook = True
End Function

' Every button of the MSP Billing tab runs this; the button's tag names the Python function in mspxl.xl.
Sub OnButton(control As IRibbonControl)
    If Not HasWorkbook() Then Exit Sub
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "()"
End Sub

' Credit Note: asks for the reason (printed on the credit note), then credits the invoice of the selected row.
' The reason travels as its UTF-16 code units, so quotes or backslashes in it cannot break the Python line.
Sub OnCreditNote(control As IRibbonControl)
    Dim reason As String
    If Not HasWorkbook() Then Exit Sub
    reason = InputBox("Reason for crediting the selected invoice (printed on the credit note):", "MSP Billing")
    If Len(Trim$(reason)) = 0 Then Exit Sub
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "(reason=mspxl.xl.text_of([" & CodeUnits(reason) & "]))"
End Sub

' Reconcile: asks for the vendor's export(s) in Excel's file dialog, then reconciles each against the billing. The
' paths travel as UTF-16 code units, one path a line, so no quote or backslash in a path can break the Python line.
Sub OnReconcile(control As IRibbonControl)
    Dim picked As Variant
    Dim paths As String
    Dim i As Long
    If Not HasWorkbook() Then Exit Sub
#If Mac Then
    picked = Application.GetOpenFilename(MultiSelect:=True)
#Else
    picked = Application.GetOpenFilename("Vendor exports (*.csv;*.xlsx;*.xls;*.ods),*.csv;*.xlsx;*.xls;*.ods", , _
                                         "Vendor exports to reconcile", , True)
#End If
    If Not IsArray(picked) Then Exit Sub
    For i = LBound(picked) To UBound(picked)
        If Len(paths) > 0 Then paths = paths & vbLf
        paths = paths & picked(i)
    Next i
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "(files=mspxl.xl.text_of([" & CodeUnits(paths) & "]))"
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
