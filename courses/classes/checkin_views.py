"""QR self check-in: a trainee scans the code on the trainer's screen."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from courses.classes import tokens
from courses.classes.attendance import AttendanceError, attendance_check_in
from courses.classes.models import ClassSession
from lms.core.ratelimit import rate_limit_exceeded

CHECKINS_PER_MINUTE = 10


def _over_checkin_limit(request) -> bool:
    """Per person and per browser session, never per address: a hall of trainees behind one
    NAT address checks in within the same minute."""
    keys = (f"checkin:user:{request.user.pk}", f"checkin:session:{request.session.session_key}")
    # Both counters move on every scan (no short-circuit), so neither can be dodged.
    over = [rate_limit_exceeded(key, limit=CHECKINS_PER_MINUTE, period_seconds=60) for key in keys]
    return any(over)


@login_required  # anonymous scanners go to the login page and come back here
def checkin(request, token: str):
    def refuse(message, status=400):
        return render(request, "courses/classes/checkin.html", {"error": message}, status=status)

    if _over_checkin_limit(request):
        return refuse(_("Bạn quét mã quá nhiều lần. Vui lòng thử lại sau một phút."), 429)

    session_id = tokens.checkin_token_session_id(token)
    session = (
        ClassSession.objects.select_related("training_class__course").filter(pk=session_id).first()
        if session_id
        else None
    )
    if session is None or not tokens.checkin_token_is_valid(session, token):
        return refuse(
            _("Mã QR không hợp lệ hoặc đã hết hạn. Hãy quét lại mã đang hiển thị trên màn hình.")
        )
    try:
        result = attendance_check_in(session=session, user=request.user)
    except AttendanceError as error:
        return refuse(str(error))
    return render(
        request,
        "courses/classes/checkin.html",
        {"session": session, "attendance": result.attendance, "already": result.already},
    )
