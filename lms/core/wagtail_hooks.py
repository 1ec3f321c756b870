from wagtail import hooks

from lms.core.pagecache import remember_route

hooks.register("before_serve_page", remember_route)
