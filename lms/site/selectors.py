from lms.accounts import roles


def home_context(request) -> dict:
    """What the home page shows beyond its own fields; apps add their blocks here."""
    return {"is_staff_role": bool(roles.user_roles(request.user) & set(roles.STAFF_ROLES))}
