"""Certificates: issued on completion, checked by anyone, renewed when due.

models.py (Certificate, CertificateTemplate, EditionTransition); services.py (the one write path
of certificates: issue, revoke, re-issue, render and sign PDFs, ZIP exports); selectors.py
(status, expiry and renewal rules, filters, visible certificates, learning history);
permissions.py (can_manage_certificates, can_administer_certificates); pdf.py (drawing) and
signing.py (PAdES); transitions.py (moving people to a new ISO edition); receivers.py (issue on
`course_completed`, renewal and history rules for learning); views.py with urls.py (namespace
`certificates`) and verify_urls.py (`verify`); tasks.py, wagtail_hooks.py, demo.py and
transitions_demo.py.
"""
