"""`mspxl collect`: collections as of a date, and what changed for each client."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import (
    BookArg,
    JsonOpt,
    OutOpt,
    PdfOpt,
    money,
    no_bar,
    out,
    parse_day,
    progress_bar,
    reported,
    write_pdfs,
)
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.collect import CollectRun


def collect(
    book: BookArg,
    as_of: Annotated[str, typer.Option("--as-of", help="The date to run collections for, YYYY-MM-DD.",
                                       show_default=False)],
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
    pdf: PdfOpt = False,
    replay: Annotated[bool, typer.Option("--replay", help="Recompute only the Collections and Aging sheets, for a "
                                         "date before the last collect: no fee, no notice.")] = False,
) -> None:
    """Fee invoices for returned debits, each client's collection state, the Collections and Aging sheets. A date
    before the last collect's is refused, unless --replay."""
    from mspxl.commands.collect import run_collect

    day = parse_day(as_of, as_json)
    run = reported(book, as_json, lambda: run_collect(book, day, date.today(), out_dir,
                                                   progress=no_bar if as_json else progress_bar, replay=replay))
    if pdf:
        write_pdfs([run.out_dir / f.file for f in run.fees if f.file] + list(run.notices), run.out_dir, as_json)
    if as_json:
        print(json.dumps(collect_json(run)))
        return
    for line in collect_report(run):
        out.print(line)


def collect_json(run: CollectRun) -> dict[str, object]:
    return {
        "ok": True,
        "as_of": run.as_of.isoformat(),
        "fees": [{"number": f.number, "client_id": f.client_id, "total": plain(f.total), "related": f.related_invoice,
                  "file": f.file or None} for f in run.fees],
        "states": run.state_counts,
        "clients": [{"client_id": s.client_id, "state": s.state, "since": s.since.isoformat() if s.since else None,
                     "balance": plain(s.balance), "next_action": s.next_action}
                    for s in run.result.statuses if s.on_collections_sheet],
        "notices": [str(p) for p in run.notices],
        "service_desk": [{"client_id": d.client_id, "client": d.client_name, "action": d.action,
                          "date": d.date.isoformat() if d.date else None} for d in run.result.service_desk],
        "out": str(run.out_dir),
    }


def collect_report(run: CollectRun) -> list[str]:
    if run.replay:
        lines = [f"Collections replayed as of {run.as_of.isoformat()}: the Collections and Aging sheets show that "
                 "day; no fee charged, no notice written."]
        if run.replayed_over is not None and run.replayed_over > run.as_of:
            lines.append(f"Before the next collect, put back the latest state: mspxl collect BOOK --as-of "
                         f"{run.replayed_over.isoformat()} --replay")
        return lines
    lines = [f"Collections as of {run.as_of.isoformat()}:"]
    for fee in run.fees:
        lines.append(f"  fee {fee.number} for {fee.client_id} {fee.client_name}: {money(fee.total)}")
    for status in run.result.statuses:
        if status.on_collections_sheet:
            since = f" since {status.since.isoformat()}" if status.since else ""
            action = f"; next: {status.next_action}" if status.next_action else ""
            lines.append(f"  {status.client_id} {status.client_name}: {status.state}{since}, balance "
                         f"{money(status.balance)}{action}")
    if run.result.service_desk:
        lines.append("For the service desk:")
        for item in run.result.service_desk:
            lines.append(f"  {item.client_id} {item.client_name}: {item.action}")
    for notice in run.notices:
        lines.append(f"  notice: {notice.name}")
    counts = ", ".join(f"{n} {state}" for state, n in sorted(run.state_counts.items()))
    lines.append(f"{len(run.fees)} fee invoice(s) and {len(run.notices)} notice(s) in {run.out_dir}; clients by state: "
                 f"{counts}. Collections and Aging sheets updated.")
    return lines
