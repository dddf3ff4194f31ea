from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from litestar import Response, get
from litestar.openapi.spec import OpenAPIMediaType, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Parameter, QueryParameter

from service.auth.guards import requires
from service.deps import Caller, Db
from service.openapi import problems
from service.reports import service
from service.reports.schemas import EqualityReport


@dataclass
class JsonOrCsv(Operation):
    """The 200 answer is JSON, or CSV with `format=csv`: both in the OpenAPI document."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if ok is not None and getattr(ok, "content", None) is not None:
            ok.content["text/csv"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


@get("/v1/reports/equality", operation_class=JsonOrCsv, tags=["reports"],
     guards=[requires("admin")],
     summary="The equality report for a date range (admin): counts by age band, contract "
     "type, part-time, region and consented sex, ethnicity and disability; cells under 5 "
     "suppressed; representation ratios; challenges by outcome. JSON, or CSV with format=csv",
     responses=problems({422: "A date range with an end missing, or ending before it "
                         "starts"}))
async def equality_report(
        db: Db, principal: Caller,
        from_day: Annotated[date | None, QueryParameter(
            name="from", description="First day (ISO 8601, UK date), required")] = None,
        to_day: Annotated[date | None, QueryParameter(
            name="to", description="Last day, included; required")] = None,
        format: Literal["json", "csv"] = Parameter(default="json", description="json or csv"),
) -> Response[EqualityReport]:
    report = await service.equality_report(db, from_day, to_day)
    if format == "csv":
        name = f"ladder-equality-{report.from_.isoformat()}-{report.to.isoformat()}.csv"
        return Response(service.report_csv(report), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    return Response(report)
