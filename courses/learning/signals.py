"""Signals other apps listen to; courses never imports the apps that react to them."""

from django.dispatch import Signal

# Sent once when an enrolment's course is completed: kwargs enrolment.
course_completed = Signal()
