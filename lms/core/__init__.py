"""The kernel every app builds on; it imports no app (tests/lms/test_code_shape.py).

Text (text.py, html.py, numbers.py, dates.py), files and imports (uploads.py, spreadsheets.py,
tables.py, imports.py, exports.py, storage.py), audit (audit.py, AuditEvent), notices, the
task queue (queue.py, beat.py), page caching (pagecache.py), rate limits (ratelimit.py), client
addresses, health checks, keep-history deletion, the Django admin site (admin_site.py), the
read-only Wagtail admin policy (readonly.py), and the abstract page bits apps share
(VietnameseSlugPage, OrganisationSettings).
"""
