"""Training plans: the one write path for plan lines imported from a spreadsheet.

Invariants: a line is keyed by (agency, year, track); all or nothing; a second run of the same
file changes nothing and says so; every created or changed line leaves an audit event.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from lms.accounts.models import Agency
from lms.core.audit import audit_record_many
from lms.core.imports import ImportResult, RowChange
from lms.core.table_messages import table_messages

from .models import TrainingPlan
from .plan_reader import read_plan


def _messages() -> dict[str, str]:
    return table_messages() | {
        "duplicate_line": _(
            "dòng kế hoạch trùng với dòng {first_row} (cùng đơn vị, chuyên đề, năm)"
        ),
        "bad_track": _(
            "chuyên đề “{value}” không hợp lệ; dùng Nhận thức, Xây dựng, Duy trì, Cải tiến"
        ),
        "bad_year": _("năm “{value}” không hợp lệ (từ 2000 đến 2100)"),
        "bad_number": _("chỉ tiêu “{value}” không phải số nguyên không âm"),
        "bad_role": _("vai trò “{value}” không hợp lệ; để trống hoặc ghi Thư ký ISO"),
        "unknown_agency": _("không tìm thấy đơn vị có mã {code}"),
    }


def plans_import(*, data: bytes, filename: str, actor=None, dry_run=False) -> ImportResult:
    """Create or update the plan lines of the file (see the module docstring)."""
    parsed = read_plan(data, filename)
    messages = _messages()
    result = ImportResult(
        errors=[(e.row, messages[e.code].format(**e.params)) for e in parsed.errors]
    )
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in={r.agency_code for r in parsed.rows})
    }
    for row in parsed.rows:
        if row.agency_code not in agencies:
            result.errors.append((row.row, messages["unknown_agency"].format(code=row.agency_code)))
    result.errors.sort(key=lambda error: error[0])
    if result.errors:
        return result
    with transaction.atomic():
        _write(parsed.rows, agencies, result, actor)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write(rows, agencies, result: ImportResult, actor) -> None:
    stored = {
        (plan.agency_id, plan.year, plan.track): plan
        for plan in TrainingPlan.objects.filter(agency__in=agencies.values())
    }
    audit = []
    for row in rows:
        agency = agencies[row.agency_code]
        plan = stored.get((agency.pk, row.year, row.track))
        values = {"target": row.target, "required_role": row.required_role}
        created = plan is None
        if created:
            plan = TrainingPlan(agency=agency, year=row.year, track=row.track, **values)
            changes = {name: (None, value) for name, value in values.items()}
        else:
            changes = {
                name: (getattr(plan, name), value)
                for name, value in values.items()
                if getattr(plan, name) != value
            }
        if not changes:
            result.unchanged += 1
            continue
        for name, (_before, value) in changes.items():
            setattr(plan, name, value)
        plan.save()
        label = f"{row.year} · {plan.get_track_display()}"
        result.changes.append(
            RowChange(row.row, agency.code, f"{agency.name} — {label}", created, changes)
        )
        before = {} if created else {name: old for name, (old, _new) in changes.items()}
        audit.append((plan, before, {name: new for name, (_old, new) in changes.items()}))
    audit_record_many(actor=actor, verb="training_plan.import", changes=audit)
