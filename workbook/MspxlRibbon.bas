Attribute VB_Name = "MspxlRibbon"
Option Explicit

' Every button of the MSP Billing tab runs this; the button's tag names the Python function in mspxl.xl.
Sub OnButton(control As IRibbonControl)
    RunPython "import mspxl.xl; mspxl.xl." & control.Tag & "()"
End Sub

' Import Functions: the MSPXL_ worksheet functions (UDF Modules in mspxl.conf) into this add-in.
Sub OnImportFunctions(control As IRibbonControl)
    ImportPythonUDFsToAddin
End Sub
