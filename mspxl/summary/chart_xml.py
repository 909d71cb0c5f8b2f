"""The summary's charts (`mspxl.summary.charts.Chart`) written as DrawingML chart parts, and the drawing that places
them on a sheet, element for element as openpyxl writes the same charts (the tests' reference)."""

from __future__ import annotations

from mspxl.summary.charts import Chart, Series
from mspxl.writers.newbook import DECLARATION, attr, escape
from mspxl.writers.ooxml import REL_NS, column_index

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
SOLID_LINE = '<c:spPr><a:ln><a:prstDash val="solid"/></a:ln></c:spPr>'
CAT_AXIS, VALUE_AXIS = 10, 100


def emu(cm: float) -> int:
    """English Metric Units of a length in centimetres (as openpyxl rounds them)."""
    return int(cm * 914400 / 2.54)


def series_xml(index: int, series: Series, categories: str, line: bool) -> str:
    marker = f'<c:marker><c:symbol val="none"/>{SOLID_LINE}</c:marker>' if line else ""
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:strRef><c:f>{escape(series.title)}'
            f"</c:f></c:strRef></c:tx>{SOLID_LINE}{marker}<c:cat><c:numRef><c:f>{escape(categories)}</c:f></c:numRef>"
            f"</c:cat><c:val><c:numRef><c:f>{escape(series.values)}</c:f></c:numRef></c:val>"
            + ('<c:smooth val="0"/>' if line else "") + "</c:ser>")


def chart_xml(chart: Chart) -> str:
    """The chart part (`xl/charts/chartN.xml`)."""
    line = chart.kind == "line"
    series = "".join(series_xml(i, s, chart.categories, line) for i, s in enumerate(chart.series))
    axes = f'<c:axId val="{CAT_AXIS}"/><c:axId val="{VALUE_AXIS}"/>'
    if line:
        plot = f'<c:lineChart><c:grouping val="{chart.grouping}"/>{series}{axes}</c:lineChart>'
    else:
        labels = ('<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
                  '<c:showSerName val="0"/><c:showPercent val="0"/></c:dLbls>') if chart.labels else ""
        overlap = f'<c:overlap val="{chart.overlap}"/>' if chart.overlap is not None else ""
        plot = (f'<c:barChart><c:barDir val="{chart.direction}"/><c:grouping val="{chart.grouping}"/>{series}'
                f'{labels}<c:gapWidth val="150"/>{overlap}{axes}</c:barChart>')
    number_format = (f'<c:numFmt formatCode={attr(chart.axis_format)} sourceLinked="0"/>'
                     if chart.axis_format is not None else "")
    ticks = '<c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
    category_axis = (f'<c:catAx><c:axId val="{CAT_AXIS}"/><c:scaling><c:orientation '
                     f'val="{"maxMin" if chart.reversed else "minMax"}"/></c:scaling><c:delete val="0"/>'
                     f'<c:axPos val="l"/>{ticks}<c:crossAx val="{VALUE_AXIS}"/><c:lblOffset val="100"/></c:catAx>')
    value_axis = (f'<c:valAx><c:axId val="{VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
                  f'<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>{number_format}{ticks}'
                  f'<c:crossAx val="{CAT_AXIS}"/></c:valAx>')
    legend = f'<c:legend><c:legendPos val="{chart.legend}"/></c:legend>' if chart.legend is not None else ""
    return (f'{DECLARATION}<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}"><c:chart><c:title>'
            f"<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{escape(chart.title)}</a:t></a:r>"
            f"</a:p></c:rich></c:tx></c:title><c:plotArea>{plot}{category_axis}{value_axis}</c:plotArea>{legend}"
            '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>')


def drawing_xml(placed: list[tuple[Chart, str]]) -> str:
    """The drawing part placing each chart with its top left corner at its anchor cell ("H1"), its charts related
    as rId1, rId2, ... in order."""
    anchors = []
    for number, (chart, anchor) in enumerate(placed, start=1):
        letters = anchor.rstrip("0123456789")
        column, row = column_index(letters) - 1, int(anchor[len(letters):]) - 1
        anchors.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>{column}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}"
            f'</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{emu(chart.width)}" '
            f'cy="{emu(chart.height)}"/><xdr:graphicFrame><xdr:nvGraphicFramePr><xdr:cNvPr id="{number}" '
            f'name="Chart {number}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic>'
            f'<a:graphicData uri="{C_NS}"><c:chart xmlns:c="{C_NS}" r:id="rId{number}"/></a:graphicData>'
            "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>")
    return (f'{DECLARATION}<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">{"".join(anchors)}'
            "</xdr:wsDr>")
