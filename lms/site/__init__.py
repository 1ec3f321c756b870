"""The site around the apps: the home page (models.py, app label `core` kept for its table),
the navigation and organisation-name context processors, the home-page context, and
`load_demo`, which builds the demo site from fixtures/ by calling every app's demo steps.

Nothing imports lms.site; it may import every app.
"""
